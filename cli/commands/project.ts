/** `glassmodes new`, `run` and `info`: a project folder from settings to inherent structures. */
import { assertSettingsUnchanged, createProject, describeHolder, projectStatus, readLock, sampleDir, type LockStatus } from '../../engine/io/project';
import { chainDir } from '../../engine/io/chainRun';
import { analysisLockFolder } from '../../engine/io/analysisFiles';
import { readSubmitted } from './slurm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIndexRange, parseSampleRange, runProject, selectedChains, stopReport } from '../../engine/io/runner';
import { parseRedo, prepareRedo } from '../../engine/io/redo';
import { readChainReport } from '../../engine/io/chainRun';
import { estimateMonteCarlo } from '../../engine/pipeline/estimate';
import { chainEntries } from '../../engine/pipeline/chain';
import type { ProjectSettings } from '../../engine/model/settings';
import { parseTaper, parseTemperature, validateSettings } from '../../engine/model/settings';
import { jobsOption, numberOption, parse, UsageError } from '../args';
import { checkResources } from '../resources';
import { createProgressReporter, formatDuration } from '../progress';
import { availableParallelism } from 'node:os';

export const NEW_USAGE =
  'glassmodes new <dir> --dim 2|3 --particles <N> --taper 2|inf|<m> [--potential ipl|lj] --parent-temperature <T|inf> --samples <k> --seed <s> [--sweeps <n>] [--chains <C> --equilibrate <E> --sample-every <S>] [--max-displacement <δ>|auto] [--target-acceptance <a>] [--density <rho>] [--cutoff <rc>] [--quench lbfgs|fire] [--force-tolerance <f>] [--spectrum full|lowest] [--modes <K>] [--certify auto|always|krylov|never] [--backend auto|reference|webasm|cpu|webgl2|webgpu] [--no-spectrum] [--name <text>] [--force]';

/** Flags of the potential, the quench and the spectrum, shared by `new` and `import` (one validation: validateSettings). */
export const MODEL_QUENCH_SPECTRUM_OPTIONS = {
  taper: { type: 'string' },
  potential: { type: 'string' },
  cutoff: { type: 'string' },
  exponent: { type: 'string' },
  'force-tolerance': { type: 'string' },
  modes: { type: 'string' },
  spectrum: { type: 'string' },
  backend: { type: 'string' },
  certify: { type: 'string' },
  'no-spectrum': { type: 'boolean' },
} as const;

type FlagValues = Record<string, string | boolean | undefined>;

/** The settings those flags give (unset flags keep their defaults), into model, quench and spectrum sections. */
export function modelQuenchSpectrumSettings(values: FlagValues, model: Record<string, unknown>, quench: Record<string, unknown>, spectrum: Record<string, unknown>): void {
  const text = (k: string) => values[k] as string | undefined;
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };
  if (text('taper') !== undefined) model.taper = parseTaper(text('taper'));
  set(model, 'potential', text('potential'));
  set(model, 'cutoff', numberOption(text('cutoff'), 'cutoff'));
  set(model, 'exponent', numberOption(text('exponent'), 'exponent'));
  set(quench, 'forceTolerance', numberOption(text('force-tolerance'), 'force-tolerance'));
  set(spectrum, 'method', text('spectrum'));
  set(spectrum, 'storedModes', numberOption(text('modes'), 'modes', true));
  set(spectrum, 'backend', text('backend'));
  set(spectrum, 'certify', text('certify'));
  if (values['no-spectrum']) spectrum.enabled = false;
}

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
      'target-acceptance': { type: 'string' },
      chains: { type: 'string' },
      equilibrate: { type: 'string' },
      'sample-every': { type: 'string' },
      'no-estimate': { type: 'boolean' },
      'checkpoint-seconds': { type: 'string' },
      quench: { type: 'string' },
      'force-tolerance': { type: 'string' },
      modes: { type: 'string' },
      spectrum: { type: 'string' },
      backend: { type: 'string' },
      'no-spectrum': { type: 'boolean' },
      name: { type: 'string' },
      force: { type: 'boolean' },
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
  set(model, 'density', numberOption(values.density, 'density'));
  set(model, 'diameterMin', numberOption(values['diameter-min'], 'diameter-min'));
  set(model, 'diameterMax', numberOption(values['diameter-max'], 'diameter-max'));
  modelQuenchSpectrumSettings(values, model, quench, spectrum);
  if (values['parent-temperature'] !== undefined) sampling.parentTemperature = parseTemperature(values['parent-temperature']);
  set(sampling, 'sweeps', numberOption(values.sweeps, 'sweeps', true));
  set(sampling, 'swapProbability', numberOption(values['swap-probability'], 'swap-probability'));
  set(sampling, 'maxDisplacement', values['max-displacement'] === 'auto' ? 'auto' : numberOption(values['max-displacement'], 'max-displacement'));
  set(sampling, 'targetAcceptance', numberOption(values['target-acceptance'], 'target-acceptance'));
  const chains = numberOption(values.chains, 'chains', true);
  if (chains !== undefined && chains < 1) throw new UsageError(`--chains (sampling.chains) must be an integer ≥ 1, got ${chains}`);
  set(sampling, 'chains', chains);
  set(sampling, 'equilibrate', numberOption(values.equilibrate, 'equilibrate', true));
  set(sampling, 'sampleEvery', numberOption(values['sample-every'], 'sample-every', true));
  if (chains === undefined && (values.equilibrate !== undefined || values['sample-every'] !== undefined)) {
    throw new UsageError('--equilibrate and --sample-every belong to a project of chains: add --chains <C>');
  }
  set(sampling, 'checkpointSeconds', numberOption(values['checkpoint-seconds'], 'checkpoint-seconds'));
  set(quench, 'method', values.quench);
  const settings = {
    model,
    sampling,
    quench,
    spectrum,
    ...(values.samples !== undefined ? { samples: numberOption(values.samples, 'samples', true) } : {}),
    ...(values.seed !== undefined ? { seed: numberOption(values.seed, 'seed', true) } : {}),
  };
  // Refused before the folder is made when one sample would not fit this machine (unless --force:
  // a project meant for a bigger one).
  checkResources(validateSettings(settings), { jobs: 1, samples: (settings as { samples?: number }).samples ?? 1, dir: positionals[0], force: values.force, action: 'create it' });
  const project = createProject(positionals[0], settings, { name: values.name, createdBy: 'cli' });
  const m = project.settings.model;
  const s = project.settings.sampling;
  const sweepsText = s.chains > 0 ? ` (${s.chains} chain(s): ${s.equilibrate} sweeps to equilibrate, then a parent every ${s.sampleEvery})` : ` (${s.sweeps} sweeps)`;
  console.log(
    `created ${positionals[0]}: ${project.samples.length} sample(s), d = ${m.dim}, N = ${m.particles}, ${m.potential.toUpperCase()} taper m = ${m.taper}, ` +
      `T* = ${s.parentTemperature}${s.parentTemperature === 'inf' ? '' : sweepsText}, δ = ${s.maxDisplacement}, seed ${project.settings.seed}`,
  );
  if (!values['no-estimate'] && m.particles <= ESTIMATE_MAX_PARTICLES) printEstimate(project.settings);
  console.log(`next: glassmodes run ${positionals[0]}`);
  return 0;
}

/** Above this N the Monte Carlo rate is not measured at `new` (the measurement quenches a configuration of that size first). */
const ESTIMATE_MAX_PARTICLES = 100_000;

/** The expected Monte Carlo time, from this machine's rate measured on a short run (stderr). */
export function printEstimate(settings: ProjectSettings, jobs?: number, units?: number): void {
  const e = estimateMonteCarlo(settings);
  if (!e) return;
  const workers = Math.max(1, jobs ?? Math.min(availableParallelism(), settings.sampling.chains || settings.samples));
  console.error(
    `Monte Carlo: ~${formatDuration(e.perUnitSeconds)} per ${e.unit}, ~${formatDuration(e.totalSeconds)} on one core in all` +
      `${units !== undefined ? ` (${units} ${e.unit}(s) pending)` : ''}, ~${formatDuration(e.wallSeconds(workers))} with ${workers} worker(s) ` +
      `(measured here: ${(e.rate / 1e3).toFixed(0)}k attempts/s at N = ${settings.model.particles}, T* = ${settings.sampling.parentTemperature}); quench and spectrum come on top`,
  );
}

export const RUN_USAGE = 'glassmodes run <dir> [--samples a-b | --chains a-b] [--redo <id>[,<id>…]] [--jobs <n>] [--in-process] [--force]';

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { samples: { type: 'string' }, chains: { type: 'string' }, jobs: { type: 'string' }, 'in-process': { type: 'boolean' }, 'no-estimate': { type: 'boolean' }, force: { type: 'boolean' }, redo: { type: 'string' } }, RUN_USAGE);
  if (positionals.length !== 1) throw new UsageError(`run takes one project folder\nusage: ${RUN_USAGE}`);
  const dir = positionals[0];
  let { project, samples } = projectStatus(dir);
  assertSettingsUnchanged(dir, samples);
  if (values.redo !== undefined) {
    // Damaged or failed samples recomputed: their files moved aside first (engine/io/redo.ts).
    const ids = parseRedo(values.redo, project);
    for (const id of ids) {
      const aside = prepareRedo(dir, project, id);
      console.error(aside ? `${id}: its files moved to ${aside} (delete that folder when you no longer need them); computing it again` : `${id}: nothing computed yet; computing it`);
    }
    ({ project, samples } = projectStatus(dir));
  }
  const range = values.samples ? parseSampleRange(values.samples, project.samples.length) : undefined;
  if (values.chains && project.settings.sampling.chains === 0) throw new UsageError('--chains applies to projects made of chains (glassmodes new … --chains C); this one has independent samples: use --samples');
  if (values.chains && values.samples) throw new UsageError('give --samples or --chains, not both');
  const chainRange = values.chains ? parseIndexRange(values.chains, project.settings.sampling.chains, '--chains', 'chain') : undefined;
  const waiting = (k: number) => samples[k].state === 'pending' || samples[k].state === 'sampling';
  const inRange = (k: number) => !range || (k >= range[0] && k <= range[1]);
  const pendingUnits = project.settings.sampling.chains > 0
    ? selectedChains(project, { samples: range, chains: chainRange }).filter((c) => c.samples.some(waiting)).length
    : samples.filter((s, k) => s.state !== 'done' && s.state !== 'failed' && inRange(k)).length;
  const jobs = values['in-process'] ? 1 : jobsOption(values.jobs, Math.max(1, pendingUnits));
  const unfinished = samples.filter((s, k) => s.state !== 'done' && inRange(k)).length;
  // Before anything runs: memory per worker and disk for the samples still to write (issue 12, item 5).
  if (unfinished > 0) checkResources(project.settings, { jobs, samples: unfinished, dir, force: values.force, action: 'run it' });
  if (!values['no-estimate'] && pendingUnits > 0) printEstimate(project.settings, jobs, pendingUnits);
  const reporter = createProgressReporter();
  const controller = new AbortController();
  // SIGTERM (a scheduler's warning before SIGKILL, or kill) and SIGINT (Ctrl-C): every running
  // sample or chain writes its checkpoint, then the run exits. A second Ctrl-C quits at once
  // (a second SIGTERM does not: the scheduler's kill comes anyway).
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupts++ === 0) {
      reporter.onEvent({ type: 'log', message: `${signal}: stopping; running samples write their checkpoints${signal === 'SIGINT' ? ' (Ctrl-C again to quit without them)' : ''}` });
      controller.abort();
    } else if (signal === 'SIGINT') {
      reporter.onEvent({ type: 'log', message: 'SIGINT again: quitting without waiting for checkpoints (periodic ones and finished stages stay on disk)' });
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = performance.now();
  let summary;
  try {
    summary = await runProject(dir, { samples: range, chains: chainRange, jobs, signal: controller.signal, onEvent: reporter.onEvent, inProcess: values['in-process'] });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  reporter.finish();
  const took = formatDuration((performance.now() - t0) / 1000);
  console.log(`${summary.done.length} sample(s) finished, ${summary.failed.length} failed, ${summary.skipped.length} skipped${summary.cancelled ? ', cancelled (run again to resume)' : ''} in ${took}`);
  for (const f of summary.failed) console.log(`  ${f.id}: ${f.error.split('\n')[0]}`);
  if (summary.cancelled) for (const line of stopReport(summary)) console.log(line);
  const damaged = summary.damaged ?? [];
  if (damaged.length) {
    console.log(`${damaged.length} sample(s) damaged, not run:`);
    for (const d of damaged) console.log(`  ${d.id}: ${d.error}`);
  }
  return summary.failed.length > 0 || damaged.length > 0 || summary.cancelled ? 1 : 0;
}

/** Who holds a sample's, chain's or analysis/ lock: host, process, since, heartbeat, staleness and, under SLURM, the array task. */
function lockText(status: LockStatus): string {
  const h = status.holder?.slurm;
  const job = h ? ` (SLURM ${h.array !== undefined && h.task !== undefined ? `task ${h.array}_${h.task}` : `job ${h.job}`}${h.restart ? `, restart ${h.restart}` : ''})` : '';
  return `locked by ${describeHolder(status)}${job}`;
}

/** The sweep a sample's Monte Carlo checkpoint holds (undefined when unreadable). */
function checkpointSweep(path: string): number | undefined {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as { sweepsDone?: unknown };
    return typeof c.sweepsDone === 'number' ? c.sweepsDone : undefined;
  } catch {
    return undefined;
  }
}

const fmtRate = (x: number | null) => (x === null ? '--' : x.toFixed(3));

export const INFO_USAGE = 'glassmodes info <dir> [--json]';

export function infoCommand(args: string[]): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, INFO_USAGE);
  if (positionals.length !== 1) throw new UsageError(`info takes one project folder\nusage: ${INFO_USAGE}`);
  const { project, samples } = projectStatus(positionals[0]);
  // Who holds what: the lock of every sample, chain and of analysis/ (host, pid, since, heartbeat).
  const lockJson = (l: LockStatus | undefined) => l && { ...(l.holder ? { host: l.holder.host, pid: l.holder.pid, since: l.holder.since } : {}), heartbeat: new Date(l.heartbeat).toISOString(), ...(l.stale ? { stale: l.stale } : {}) };
  const sampleLocks = samples.map((s) => readLock(sampleDir(positionals[0], s.id)));
  const chainLocks = chainEntries(project.settings).map((c) => readLock(chainDir(positionals[0], c.id)));
  const analysisLock = readLock(analysisLockFolder(positionals[0]));
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          project,
          samples: samples.map(({ meta, ...rest }, k) => ({ ...rest, energy: meta?.energy, maxForce: meta?.maxForce, mc: meta?.mc, lock: lockJson(sampleLocks[k]) })),
          chainLocks: Object.fromEntries(chainEntries(project.settings).flatMap((c, k) => (chainLocks[k] ? [[c.id, lockJson(chainLocks[k])]] : []))),
          analysisLock: lockJson(analysisLock),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const { model, sampling, quench, spectrum } = project.settings;
  console.log(`${project.name} (glassmodes project v${project.schemaVersion}, created ${project.created} by ${project.provenance.createdBy} ${project.provenance.version})`);
  console.log(`  model     d = ${model.dim}, N = ${model.particles}, ρ = ${model.density}, ${model.potential} n = ${model.exponent}, taper m = ${model.taper}, r_c = ${model.cutoff}, a ∈ [${model.diameterMin}, ${model.diameterMax}]`);
  if (project.imported) {
    const im = project.imported;
    console.log(`  imported  ${im.mode === 'as-is' ? 'as is (each configuration taken as the inherent structure)' : 'and quenched by run'}; diameters from ${im.diameters}; ${im.units}`);
    for (const f of im.files) console.log(`            ${f.path} (${f.format}, ${f.frames} frame(s), sha256 ${f.sha256}) → ${f.samples.length > 3 ? `${f.samples[0]}…${f.samples[f.samples.length - 1]}` : f.samples.join(', ')}`);
  }
  const how = sampling.chains > 0 ? `${sampling.chains} chain(s): ${sampling.equilibrate} sweeps to equilibrate, a parent every ${sampling.sampleEvery}` : `${sampling.sweeps} sweeps per sample`;
  const step = sampling.maxDisplacement === 'auto' ? `δ auto (tuned in equilibration towards acceptance ${sampling.targetAcceptance}, then frozen)` : `δ = ${sampling.maxDisplacement}`;
  console.log(`  sampling  T* = ${sampling.parentTemperature}, ${how}, p_swap = ${sampling.swapProbability}, ${step}`);
  console.log(`  quench    ${quench.method} to max|f| ≤ ${quench.forceTolerance}`);
  console.log(`  spectrum  ${spectrum.enabled ? (spectrum.method === 'lowest' ? `lowest ${spectrum.storedModes} non-zero modes (sparse float64 solver; ${spectrum.certify === 'auto' ? 'the cheaper of the inertia certificate (N ≲ 2000 in 3D) and the Krylov check, by a cost model' : spectrum.certify === 'krylov' ? 'Krylov check (probabilistic) as certificate' : spectrum.certify === 'always' ? 'inertia certificate always' : 'no certificate'})` : `full, backend ${spectrum.backend}, ${spectrum.storedModes} modes stored`) : 'off'}`);
  const submitted = readSubmitted(positionals[0]);
  if (submitted) {
    console.log(`  slurm     array job ${submitted.arrayJob} (${submitted.tasks.length} task(s)), then analyze job ${submitted.analyzeJob}, submitted ${submitted.submitted}; squeue -j ${submitted.arrayJob},${submitted.analyzeJob} shows them; logs in slurm/logs/`);
  }
  for (const chain of chainEntries(project.settings)) {
    const held = chainLocks[chain.index];
    const r = readChainReport(positionals[0], chain.id);
    if (!r) {
      console.log(`  chain ${chain.id}  not started (samples ${chain.samples[0]}-${chain.samples[chain.samples.length - 1]})${held ? `; ${lockText(held)}` : ''}`);
      continue;
    }
    if (held) console.log(`  chain ${chain.id}  ${lockText(held)}`);
    const tau = r.tauAlpha !== null ? `τ_α ${r.tauAlpha.toFixed(0)} sweeps` : r.tauAlphaLowerBound !== null ? `τ_α > ${r.tauAlphaLowerBound} sweeps` : 'τ_α not yet measured';
    const acc = r.step
      ? `δ ${r.delta.toPrecision(3)} (tuned), acc. disp ${fmtRate(r.step.tuning.displacement)} → ${fmtRate(r.step.production.displacement)}, swap ${fmtRate(r.step.tuning.swap)} → ${fmtRate(r.step.production.swap)} (equilibration → production)`
      : `δ ${r.delta}, acc. disp ${r.acceptance.displacement.toFixed(3)} swap ${r.acceptance.swap.toFixed(3)}`;
    const drift = r.drift.verdict === 'too short' ? 'drift: too short to tell' : `E/N ${r.drift.verdict} over the last half of equilibration (Δ ${r.drift.change!.toExponential(2)} ± ${r.drift.error!.toExponential(1)})`;
    const last = r.trace.energy.length ? `, E/N now ${r.trace.energy[r.trace.energy.length - 1].toFixed(5)}` : '';
    const mcTime = r.elapsedSeconds !== undefined ? ` in ${formatDuration(r.elapsedSeconds)} of Monte Carlo` : '';
    console.log(`  chain ${chain.id}  ${r.written}/${r.samples} parents, sweep ${r.sweepsDone}${mcTime}${last}; ${tau}; ${acc}; ${drift}`);
    for (const w of r.warnings) console.log(`    warning: ${w}`);
  }
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  console.log(`  samples   ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`);
  for (const s of samples) {
    const m = s.meta;
    const parts = [s.id.padEnd(6), s.state.padEnd(9)];
    if (m?.energyPerParticle !== undefined) parts.push(`E/N ${m.energyPerParticle.toFixed(8)}`, `max|f| ${m.maxForce?.toExponential(2)}`);
    const mc = m?.mc as { acceptance?: { displacement: number; swap: number }; sweepsDone?: number } | undefined;
    if (mc?.acceptance && mc.sweepsDone) parts.push(`MC acc. disp ${mc.acceptance.displacement.toFixed(3)} swap ${mc.acceptance.swap.toFixed(3)}`);
    const step = (mc as { step?: { delta: number; production: { displacement: number | null } } } | undefined)?.step;
    if (step) parts.push(`δ ${step.delta.toPrecision(3)} (auto; production acc. ${fmtRate(step.production.displacement)})`);
    const chainOf = m?.chain as { id: string; indexInChain: number; sweep: number } | undefined;
    if (chainOf) parts.push(`chain ${chainOf.id} #${chainOf.indexInChain} at sweep ${chainOf.sweep}`);
    const spectrum = m?.spectrum as { unstable?: boolean; backend?: string; residualMax?: number; method?: string; lowest?: { certification?: { certified: boolean }; path?: { method: string } } } | undefined;
    if (spectrum) parts.push(`spectrum ${spectrum.method === 'lowest' ? `lowest K (${spectrum.lowest?.certification?.certified ? 'certified' : 'not certified'}${spectrum.lowest?.path ? `, ${spectrum.lowest.path.method}` : ''})` : spectrum.backend}, residual ${spectrum.residualMax?.toExponential(1)}`);
    if (spectrum?.unstable) parts.push('UNSTABLE: a negative eigenvalue besides the zero modes');
    if (s.error) parts.push(s.error);
    if (s.state === 'sampling') {
      const sweep = checkpointSweep(join(sampleDir(positionals[0], s.id), 'checkpoint.json'));
      if (sweep !== undefined) parts.push(`checkpoint at sweep ${sweep}/${sampling.sweeps}`);
    }
    const held = sampleLocks[samples.indexOf(s)];
    if (held) parts.push(lockText(held));
    console.log('  ' + parts.join('  '));
  }
  if (analysisLock) console.log(`  analysis/ ${lockText(analysisLock)}`);
  const pending = samples.filter((s) => s.state !== 'done' && s.state !== 'failed' && s.state !== 'damaged').length;
  if (pending > 0) console.log(`  ${pending} pending: glassmodes run ${positionals[0]}`);
  const damaged = samples.filter((s) => s.state === 'damaged');
  if (damaged.some((s) => s.damage?.settingsChanged)) console.log(`  project.json was edited after samples were computed: restore it, or make a new project for the new settings`);
  else if (damaged.length > 0) console.log(`  ${damaged.length} damaged: glassmodes run ${positionals[0]} --redo ${damaged.map((s) => s.id).join(',')}`);
  return 0;
}
