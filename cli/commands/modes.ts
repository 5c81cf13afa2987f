/**
 * `glassmodes modes <dir> --sample <id> [--reference <T*=∞ project>]`: the stored modes of one
 * sample, one line each with ω and PR, and — against a reference, the analysed T* = ∞ project of
 * the same model — the validated per-mode indicator: PR ranked among the reference modes at the
 * same ω (engine/analysis/modeIndicators.ts localisationContrast; docs/REPRODUCTION.md "Which
 * per-mode indicator separates the classes"). The rotational fraction is printed under a column
 * that says it is not an indicator; zero modes (identifyZeroModes) get neither it nor a label.
 */
import { existsSync } from 'node:fs';
import { analysisData, sampleSpectrum } from '../../engine/io/results';
import { ProjectError, projectStatus } from '../../engine/io/project';
import { modeContrasts, referenceModes, type ReferenceModes } from '../../figures/modeContrast';
import { parse, UsageError } from '../args';

export const MODES_USAGE = 'glassmodes modes <dir> --sample <id> [--reference <analysed T*=inf project of the same model>]';

const INDICATOR_SOURCE = 'docs/REPRODUCTION.md, "Which per-mode indicator separates the classes"';

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

export function modesCommand(args: string[]): number {
  const { values, positionals } = parse(args, { sample: { type: 'string' }, reference: { type: 'string' } }, MODES_USAGE);
  if (positionals.length !== 1) throw new UsageError(`modes takes one project folder\nusage: ${MODES_USAGE}`);
  const [dir] = positionals;
  if (!existsSync(dir)) throw new ProjectError(`${dir} does not exist`);
  const status = projectStatus(dir);
  const sampleId = values.sample ?? status.samples.find((s) => s.state === 'done')?.id;
  if (!sampleId) throw new ProjectError(`${dir} has no finished sample: run it first`);
  const spectrum = sampleSpectrum(dir, sampleId);

  let reference: ReferenceModes | null = null;
  if (values.reference !== undefined) {
    if (!existsSync(values.reference)) throw new ProjectError(`--reference: ${values.reference} does not exist`);
    const data = analysisData(values.reference);
    if (!data) throw new ProjectError(`--reference: ${values.reference} has not been analysed (no analysis/summary.json): run glassmodes analyze ${values.reference} first`);
    const choice = referenceModes(data, status.project.settings.model);
    if ('reason' in choice) throw new ProjectError(`--reference: ${choice.reason}; the reference must be an analysed T* = ∞ project of the same model (d, N, potential, taper) with stored modes`);
    reference = choice.reference;
  }
  const contrasts = reference ? modeContrasts(spectrum, reference) : [];
  const zero = new Set(spectrum.zeroModes);

  console.log(`modes of ${sampleId} (${status.project.name}): d = ${spectrum.dim}, N = ${spectrum.particles}, ${spectrum.storedModes} stored of ${spectrum.eigenvalues.length}, ω₀ = ${fixed(spectrum.omega0, 4)}`);
  if (reference) {
    console.log(`vs T*=inf: PR against the ${reference.name} (T* = ∞, same model) modes within ±10 % of each ω — the indicator validated in ${INDICATOR_SOURCE};`);
    console.log('  "localised" when under 5 % of those have a lower PR. A contrast against extended modes at the same ω, not a proof of vortex character.');
  } else {
    console.log(`No --reference: PR and ω only. Give an analysed T* = ∞ project of the same model to label modes by localisation at the same ω (${INDICATOR_SOURCE}).`);
  }
  console.log('The rotational fraction is not a type-II indicator (docs/REPRODUCTION.md): it does not separate T* = ∞ from stable-glass modes.');
  const header = ['mode'.padStart(5), 'omega'.padStart(10), 'PR'.padStart(8), ...(reference ? ['vs T*=inf'.padEnd(34)] : []), 'rot. fraction (not an indicator)'];
  console.log(header.join('  '));
  for (let k = 0; k < spectrum.storedModes; k++) {
    if (zero.has(k)) {
      console.log(`${String(k).padStart(5)}  zero mode (translation)`);
      continue;
    }
    const c = contrasts[k];
    const label = !c ? '—' : c.localised === null ? `no reference at this ω (${c.referenceModes} modes)` : `${c.localised ? 'localised' : 'extended-like'}: ${(100 * c.rank).toFixed(1)} % of ${c.referenceModes} below`;
    const omega = spectrum.frequencies[k];
    console.log([String(k).padStart(5), (omega === null ? 'imaginary' : omega.toFixed(6)).padStart(10), fixed(spectrum.participation[k], 4).padStart(8), ...(reference ? [label.padEnd(34)] : []), fixed(spectrum.rotationalFraction[k], 4)].join('  '));
  }
  return 0;
}
