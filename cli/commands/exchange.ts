/** `glassmodes import` and `glassmodes export-modes`: glasses in from ASE/LAMMPS/OVITO files, modes out to OVITO and ASE. */
import { importGlasses } from '../../engine/io/glassImport';
import { exportModeAnimation, exportModes, parseModeList } from '../../engine/io/modeExport';
import { writeFileAtomic } from '../../engine/io/files';
import { boxSide, parseTemperature } from '../../engine/model/settings';
import { numberOption, parse, UsageError } from '../args';
import { checkOutputFile } from '../output';
import { MODEL_QUENCH_SPECTRUM_OPTIONS, modelQuenchSpectrumSettings } from './project';

export const IMPORT_USAGE =
  'glassmodes import <dir> <file>… [--format extxyz|lammps-data|lammps-dump] [--dim 2|3] [--diameters-from <property>|<type>:<a>,…] (--as-is | --quench [--quench-method lbfgs|fire]) --taper 2|inf|<m> [--potential ipl|lj] [--cutoff <rc>] [--exponent <n>] [--force-tolerance <f>] [--spectrum full|lowest] [--modes <K>] [--certify auto|always|krylov|never] [--backend …] [--no-spectrum] [--parent-temperature <T>] [--name <text>]';

const stderrProgress = () => {
  let last = 0;
  return (fraction: number, message: string) => {
    const now = Date.now();
    if (now - last < 250 && fraction < 1) return;
    last = now;
    console.error(`  [${(100 * fraction).toFixed(0).padStart(3)}%] ${message}`);
  };
};

export function importCommand(args: string[]): number {
  const { values, positionals } = parse(
    args,
    {
      ...MODEL_QUENCH_SPECTRUM_OPTIONS,
      format: { type: 'string' },
      dim: { type: 'string' },
      'diameters-from': { type: 'string' },
      'as-is': { type: 'boolean' },
      quench: { type: 'boolean' },
      'quench-method': { type: 'string' },
      'parent-temperature': { type: 'string' },
      name: { type: 'string' },
    },
    IMPORT_USAGE,
  );
  if (positionals.length < 2) throw new UsageError(`import takes a project folder and at least one file\nusage: ${IMPORT_USAGE}`);
  if (values['as-is'] === values.quench) throw new UsageError(`import needs exactly one of --as-is (take each configuration as the inherent structure, after checking max|f| ≤ tolerance) and --quench (quench it first)\nusage: ${IMPORT_USAGE}`);
  if (values['quench-method'] !== undefined && !values.quench) throw new UsageError('--quench-method applies with --quench');
  const dim = numberOption(values.dim, 'dim', true);
  if (dim !== undefined && dim !== 2 && dim !== 3) throw new UsageError(`--dim must be 2 or 3, got ${dim}`);
  const model: Record<string, unknown> = {};
  const quench: Record<string, unknown> = {};
  const spectrum: Record<string, unknown> = {};
  modelQuenchSpectrumSettings(values, model, quench, spectrum);
  if (values['quench-method'] !== undefined) quench.method = values['quench-method'];
  const sampling: Record<string, unknown> = {};
  if (values['parent-temperature'] !== undefined) sampling.parentTemperature = parseTemperature(values['parent-temperature']);
  const [dir, ...files] = positionals;
  const mode = values['as-is'] ? 'as-is' : 'quench';
  const result = importGlasses(dir, files, { model, quench, spectrum, sampling }, { format: values.format, dim: dim as 2 | 3 | undefined, diametersFrom: values['diameters-from'], mode, name: values.name, onProgress: stderrProgress() });
  const m = result.project.settings.model;
  console.log(
    `imported ${result.samples.length} configuration(s) into ${dir}: d = ${m.dim}, N = ${m.particles}, L = ${boxSide(m)}, ρ = ${m.density}, ` +
      `${m.potential.toUpperCase()} n = ${m.exponent}, taper m = ${m.taper}, r_c = ${m.cutoff}; diameters from ${result.record.diameters} in [${m.diameterMin}, ${m.diameterMax}]`,
  );
  console.log(`  units: ${result.record.units}`);
  for (const f of result.record.files) console.log(`  ${f.path} (${f.format}, ${f.frames} frame(s), sha256 ${f.sha256}) → ${f.samples.join(', ')}`);
  for (const s of result.samples) console.log(`  ${s.id}  E/N ${(s.energy / m.particles).toPrecision(12)}  max|f| ${s.maxForce.toExponential(2)}${mode === 'as-is' ? '  (taken as the inherent structure)' : ''}`);
  console.log(mode === 'as-is' ? `next: glassmodes run ${dir}   (the spectrum), then glassmodes analyze ${dir}` : `next: glassmodes run ${dir}   (quench with ${result.project.settings.quench.method} to max|f| ≤ ${result.project.settings.quench.forceTolerance}, then the spectrum)`);
  return 0;
}

export const EXPORT_MODES_USAGE =
  'glassmodes export-modes <dir> --sample <id> --modes <a-b|k,…> --out <file.extxyz> [--force]   |   glassmodes export-modes <dir> --sample <id> --modes <k> --animate [--frames <F>] [--amplitude <A>] --out <file.extxyz> [--force]';

export function exportModesCommand(args: string[]): number {
  const { values, positionals } = parse(
    args,
    { sample: { type: 'string' }, modes: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, animate: { type: 'boolean' }, frames: { type: 'string' }, amplitude: { type: 'string' } },
    EXPORT_MODES_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`export-modes takes one project folder\nusage: ${EXPORT_MODES_USAGE}`);
  if (!values.sample || !values.modes || !values.out) throw new UsageError(`export-modes needs --sample, --modes and --out\nusage: ${EXPORT_MODES_USAGE}`);
  if (!values.animate && (values.frames !== undefined || values.amplitude !== undefined)) throw new UsageError('--frames and --amplitude apply with --animate');
  checkOutputFile(values.out, values.force);
  const indices = parseModeList(values.modes);
  const [dir] = positionals;
  if (values.animate) {
    if (indices.length !== 1) throw new UsageError(`--animate takes one mode, got --modes ${values.modes}`);
    const text = exportModeAnimation(dir, values.sample, indices[0], { frames: numberOption(values.frames, 'frames', true), amplitude: numberOption(values.amplitude, 'amplitude') });
    writeFileAtomic(values.out, text);
    console.log(`wrote ${values.out}: mode ${indices[0]} of ${values.sample} animated over one period`);
    return 0;
  }
  const { text, modes } = exportModes(dir, values.sample, indices, stderrProgress());
  writeFileAtomic(values.out, text);
  console.log(`wrote ${values.out}: ${modes.length} frame(s), one per mode of ${values.sample}`);
  for (const m of modes) console.log(`  mode ${m.index}  λ ${m.eigenvalue.toPrecision(8)}  ω ${m.omega.toPrecision(8)}  PR ${m.participationRatio.toFixed(4)}  ${m.rotationalFraction === null ? 'zero mode (a translation): no rotational fraction' : `rotational fraction ${m.rotationalFraction.toFixed(4)} (not a type-II indicator: docs/REPRODUCTION.md)`}`);
  return 0;
}
