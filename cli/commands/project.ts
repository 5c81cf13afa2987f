/** `glassmodes new`, `run` and `info`: a project folder from settings to inherent structures. */
import { createProject, projectStatus } from '../../engine/io/project';
import { parseSampleRange, runProject } from '../../engine/io/runner';
import { parseTaper, parseTemperature } from '../../engine/model/settings';
import { numberOption, parse, UsageError } from '../args';
import { createProgressReporter, formatDuration } from '../progress';

export const NEW_USAGE =
  'glassmodes new <dir> --dim 2|3 --particles <N> --taper 2|inf|<m> [--potential ipl|lj] --parent-temperature <T|inf> --samples <k> --seed <s> [--sweeps <n>] [--density <rho>] [--cutoff <rc>] [--quench lbfgs|fire] [--force-tolerance <f>] [--spectrum full|lowest] [--modes <K>] [--backend auto|reference|webasm|cpu|webgl2|webgpu] [--no-spectrum] [--name <text>]';

export function newCommand(args: string[]): number {
  const { values, positionals } = parse(
    args,
    {
      dim: { type: 'string' },
      particles: { type: 'string' },
      taper: { type: 'string' },
      potential: { type: 'string' },
      'parent-temperature': { type: 'string' },
      samples: { type: 'string' },
      seed: { type: 'string' },
      sweeps: { type: 'string' },
      density: { type: 'string' },
      cutoff: { type: 'string' },
      'diameter-min': { type: 'string' },
      'diameter-max': { type: 'string' },
      exponent: { type: 'string' },
      'swap-probability': { type: 'string' },
      'max-displacement': { type: 'string' },
      'checkpoint-seconds': { type: 'string' },
      quench: { type: 'string' },
      'force-tolerance': { type: 'string' },
      modes: { type: 'string' },
      spectrum: { type: 'string' },
      backend: { type: 'string' },
      'no-spectrum': { type: 'boolean' },
      name: { type: 'string' },
    },
    NEW_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`new takes one folder\nusage: ${NEW_USAGE}`);
  const model: Record<string, unknown> = {};
  const sampling: Record<string, unknown> = {};
  const quench: Record<string, unknown> = {};
  const spectrum: Record<string, unknown> = {};
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };
  set(model, 'dim', numberOption(values.dim, 'dim', true));
  set(model, 'particles', numberOption(values.particles, 'particles', true));
  if (values.taper !== undefined) model.taper = parseTaper(values.taper);
  set(model, 'potential', values.potential);
  set(model, 'density', numberOption(values.density, 'density'));
  set(model, 'cutoff', numberOption(values.cutoff, 'cutoff'));
  set(model, 'diameterMin', numberOption(values['diameter-min'], 'diameter-min'));
  set(model, 'diameterMax', numberOption(values['diameter-max'], 'diameter-max'));
  set(model, 'exponent', numberOption(values.exponent, 'exponent'));
  if (values['parent-temperature'] !== undefined) sampling.parentTemperature = parseTemperature(values['parent-temperature']);
  set(sampling, 'sweeps', numberOption(values.sweeps, 'sweeps', true));
  set(sampling, 'swapProbability', numberOption(values['swap-probability'], 'swap-probability'));
  set(sampling, 'maxDisplacement', numberOption(values['max-displacement'], 'max-displacement'));
  set(sampling, 'checkpointSeconds', numberOption(values['checkpoint-seconds'], 'checkpoint-seconds'));
  set(quench, 'method', values.quench);
  set(quench, 'forceTolerance', numberOption(values['force-tolerance'], 'force-tolerance'));
  set(spectrum, 'method', values.spectrum);
  set(spectrum, 'storedModes', numberOption(values.modes, 'modes', true));
  set(spectrum, 'backend', values.backend);
  if (values['no-spectrum']) spectrum.enabled = false;
  const settings = {
    model,
    sampling,
    quench,
    spectrum,
    ...(values.samples !== undefined ? { samples: numberOption(values.samples, 'samples', true) } : {}),
    ...(values.seed !== undefined ? { seed: numberOption(values.seed, 'seed', true) } : {}),
  };
  const project = createProject(positionals[0], settings, { name: values.name, createdBy: 'cli' });
  const m = project.settings.model;
  const s = project.settings.sampling;
  console.log(
    `created ${positionals[0]}: ${project.samples.length} sample(s), d = ${m.dim}, N = ${m.particles}, ${m.potential.toUpperCase()} taper m = ${m.taper}, ` +
      `T* = ${s.parentTemperature}${s.parentTemperature === 'inf' ? '' : ` (${s.sweeps} sweeps)`}, seed ${project.settings.seed}`,
  );
  console.log(`next: glassmodes run ${positionals[0]}`);
  return 0;
}

export const RUN_USAGE = 'glassmodes run <dir> [--samples a-b] [--jobs <n>] [--in-process]';

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { samples: { type: 'string' }, jobs: { type: 'string' }, 'in-process': { type: 'boolean' } }, RUN_USAGE);
  if (positionals.length !== 1) throw new UsageError(`run takes one project folder\nusage: ${RUN_USAGE}`);
  const dir = positionals[0];
  const { project } = projectStatus(dir);
  const range = values.samples ? parseSampleRange(values.samples, project.samples.length) : undefined;
  const jobs = numberOption(values.jobs, 'jobs', true);
  if (jobs !== undefined && jobs < 1) throw new UsageError('--jobs must be at least 1');
  const reporter = createProgressReporter();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = performance.now();
  const summary = await runProject(dir, { samples: range, jobs, signal: controller.signal, onEvent: reporter.onEvent, inProcess: values['in-process'] });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  reporter.finish();
  const took = formatDuration((performance.now() - t0) / 1000);
  console.log(`${summary.done.length} sample(s) finished, ${summary.failed.length} failed, ${summary.skipped.length} skipped${summary.cancelled ? ', cancelled (run again to resume)' : ''} in ${took}`);
  for (const f of summary.failed) console.log(`  ${f.id}: ${f.error.split('\n')[0]}`);
  return summary.failed.length > 0 || summary.cancelled ? 1 : 0;
}

export const INFO_USAGE = 'glassmodes info <dir> [--json]';

export function infoCommand(args: string[]): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, INFO_USAGE);
  if (positionals.length !== 1) throw new UsageError(`info takes one project folder\nusage: ${INFO_USAGE}`);
  const { project, samples } = projectStatus(positionals[0]);
  if (values.json) {
    console.log(JSON.stringify({ project, samples: samples.map(({ meta, ...rest }) => ({ ...rest, energy: meta?.energy, maxForce: meta?.maxForce, mc: meta?.mc })) }, null, 2));
    return 0;
  }
  const { model, sampling, quench, spectrum } = project.settings;
  console.log(`${project.name} (glassmodes project v${project.schemaVersion}, created ${project.created} by ${project.provenance.createdBy} ${project.provenance.version})`);
  console.log(`  model     d = ${model.dim}, N = ${model.particles}, ρ = ${model.density}, ${model.potential} n = ${model.exponent}, taper m = ${model.taper}, r_c = ${model.cutoff}, a ∈ [${model.diameterMin}, ${model.diameterMax}]`);
  console.log(`  sampling  T* = ${sampling.parentTemperature}, ${sampling.sweeps} sweeps, p_swap = ${sampling.swapProbability}, δ = ${sampling.maxDisplacement}`);
  console.log(`  quench    ${quench.method} to max|f| ≤ ${quench.forceTolerance}`);
  console.log(`  spectrum  ${spectrum.enabled ? (spectrum.method === 'lowest' ? `lowest ${spectrum.storedModes} non-zero modes (sparse float64 solver)` : `full, backend ${spectrum.backend}, ${spectrum.storedModes} modes stored`) : 'off'}`);
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  console.log(`  samples   ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`);
  for (const s of samples) {
    const m = s.meta;
    const parts = [s.id.padEnd(6), s.state.padEnd(9)];
    if (m?.energyPerParticle !== undefined) parts.push(`E/N ${m.energyPerParticle.toFixed(8)}`, `max|f| ${m.maxForce?.toExponential(2)}`);
    const mc = m?.mc as { acceptance?: { displacement: number; swap: number }; sweepsDone?: number } | undefined;
    if (mc?.acceptance && mc.sweepsDone) parts.push(`MC acc. disp ${mc.acceptance.displacement.toFixed(3)} swap ${mc.acceptance.swap.toFixed(3)}`);
    const spectrum = m?.spectrum as { unstable?: boolean; backend?: string; residualMax?: number; method?: string; certification?: { certified: boolean } } | undefined;
    if (spectrum) parts.push(`spectrum ${spectrum.method === 'lowest' ? `lowest K (${spectrum.certification?.certified ? 'certified' : 'not certified'})` : spectrum.backend}, residual ${spectrum.residualMax?.toExponential(1)}`);
    if (spectrum?.unstable) parts.push('UNSTABLE: a negative eigenvalue besides the zero modes');
    if (s.error) parts.push(s.error);
    console.log('  ' + parts.join('  '));
  }
  const pending = samples.filter((s) => s.state !== 'done' && s.state !== 'failed').length;
  if (pending > 0) console.log(`  ${pending} pending: glassmodes run ${positionals[0]}`);
  return 0;
}
