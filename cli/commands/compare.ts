/**
 * `glassmodes compare <dir>...`: one row per project — T*, taper, inherent-structure energy per
 * particle (mean ± standard error over finished samples), and, where analysed, s, G and ω_0 —
 * the E_IS(T*) curve of the paper's protocol across projects, as a table and optionally CSV.
 */
import { meanWithError } from '../../engine/analysis/histogram';
import { makeSeries, seriesToCsv } from '../../engine/series';
import { writeFileAtomic } from '../../engine/io/files';
import { join } from 'node:path';
import { readAnalysisSummary } from '../../engine/io/analysisFiles';
import { assertSettingsUnchanged, ProjectError, projectStatus } from '../../engine/io/project';
import { parse, UsageError } from '../args';
import { checkOutputFile } from '../output';

export const COMPARE_USAGE = 'glassmodes compare <dir> [<dir>…] [--out <file.csv> [--force]]';

/** analysis/summary.json as far as compare reads it; a file that is not JSON is refused with what to do. */
function readSummary(dir: string): { s?: { value?: number }; shearModulus?: { value?: number }; omega0?: number } | undefined {
  const raw = readAnalysisSummary(dir); // a ProjectError naming the file when it is not JSON
  if (raw === undefined) return undefined;
  const path = join(dir, 'analysis', 'summary.json');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProjectError(`${path} is not a summary (not a JSON object): run glassmodes analyze ${dir} again`);
  // An older or partial summary: what is missing or not a number shows as —.
  const number = (x: unknown) => (typeof x === 'number' ? x : undefined);
  const r = raw as Record<string, { value?: unknown } | unknown>;
  const value = (x: unknown) => (typeof x === 'object' && x !== null ? number((x as { value?: unknown }).value) : undefined);
  return { s: { value: value(r.s) }, shearModulus: { value: value(r.shearModulus) }, omega0: number(r.omega0) };
}

export function compareCommand(args: string[]): number {
  const { values, positionals } = parse(args, { out: { type: 'string' }, force: { type: 'boolean' } }, COMPARE_USAGE);
  if (positionals.length === 0) throw new UsageError(`compare takes one or more project folders\nusage: ${COMPARE_USAGE}`);
  const rows = positionals.map((dir) => {
    const { project, samples } = projectStatus(dir);
    assertSettingsUnchanged(dir, samples);
    const damaged = samples.filter((s) => s.state === 'damaged');
    if (damaged.length) console.error(`note: ${dir}: ${damaged.length} damaged sample(s) left out (${damaged.map((s) => s.id).join(', ')}); glassmodes info ${dir} says why`);
    const energies = samples.filter((s) => s.state !== 'damaged' && s.meta?.quench?.converged && s.meta.energyPerParticle !== undefined).map((s) => s.meta!.energyPerParticle!);
    const e = energies.length ? meanWithError(energies) : { value: NaN, error: NaN, count: 0 };
    const summary = readSummary(dir);
    const t = project.settings.sampling.parentTemperature;
    return {
      dir,
      temperature: t === 'inf' ? Infinity : t,
      taper: project.settings.model.taper === 'inf' ? Infinity : project.settings.model.taper,
      energy: e,
      s: summary?.s?.value ?? NaN,
      shear: summary?.shearModulus?.value ?? NaN,
      omega0: summary?.omega0 ?? NaN,
    };
  });
  rows.sort((a, b) => a.temperature - b.temperature);
  const f = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : x === Infinity ? '∞' : '—');
  console.log('T*        m    E_IS/N                 samples  s      G       ω_0     project');
  for (const r of rows) {
    console.log(`${f(r.temperature, 3).padEnd(9)} ${f(r.taper, 0).padEnd(4)} ${`${f(r.energy.value, 6)} ± ${f(r.energy.error, 6)}`.padEnd(22)} ${String(r.energy.count).padEnd(8)} ${f(r.s, 2).padEnd(6)} ${f(r.shear, 3).padEnd(7)} ${f(r.omega0, 3).padEnd(7)} ${r.dir}`);
  }
  if (values.out) checkOutputFile(values.out, values.force);
  if (values.out) {
    const series = makeSeries('inherent_structure_energy', 'inherent-structure energy per particle vs parental temperature, across projects', [
      ['parent_temperature', 'eps', rows.map((r) => r.temperature)],
      ['taper', '1', rows.map((r) => r.taper)],
      ['energy_per_particle', 'eps', rows.map((r) => r.energy.value)],
      ['energy_error', 'eps', rows.map((r) => r.energy.error)],
      ['samples', '1', rows.map((r) => r.energy.count)],
      ['s', '1', rows.map((r) => r.s)],
      ['shear_modulus', 'eps/a^3', rows.map((r) => r.shear)],
      ['omega0', 'sqrt(eps/m)/a', rows.map((r) => r.omega0)],
    ]);
    writeFileAtomic(values.out, seriesToCsv(series));
    console.log(`wrote ${values.out}`);
  }
  return 0;
}
