/**
 * `glassmodes relaxation`: the α-relaxation time τ_α(T) of swap-free Monte Carlo and the
 * mode-coupling fit τ_α = A (T − T_d)^(−γ) that estimates the dynamical temperature T_d, which the
 * paper does not give (docs/PHYSICS.md §7). Writes <out>/fs.csv, <out>/tau.csv and <out>/summary.json
 * (docs/RELAXATION.md). While it runs, <out>/checkpoint/ holds a checkpoint of the running
 * temperature and the temperatures finished so far: a killed run, started again with the same
 * command, goes on where it stopped and ends with the same files.
 */
import { join } from 'node:path';
import { DEFAULT_WAVEVECTOR } from '../../engine/analysis/relaxation';
import { openRelaxationCheckpoints, RelaxationCheckpointError, type RelaxationCheckpoints } from '../../engine/io/relaxationFiles';
import { readScan as readScanFolder, RelaxationScanError, writeScanFiles, type ScanRow } from '../../engine/io/relaxationScan';
import { parseTaper, SettingsError, type ModelSettings } from '../../engine/model/settings';
import { runRelaxation, validateRelaxationPlan, type RelaxationPlan } from '../../engine/pipeline/relaxationRun';
import type { ModeCouplingFit } from '../../engine/theory/modeCoupling';
import { APP_VERSION } from '../../engine/version';
import { numberOption, parse, UsageError } from '../args';
import { formatDuration, progressBar } from '../progress';

export const RELAXATION_USAGE =
  'glassmodes relaxation --temperatures <T1,T2,...> --equilibrate <sweeps> --sweeps <sweeps> --out <dir> [--dim 2|3] [--particles <N>] [--taper 2|inf|<m>] [--potential ipl|lj] [--density <rho>] [--seed <s>] [--k <k>] [--points-per-decade <n>] [--swap-probability <p>] [--max-displacement <delta>] [--checkpoint-seconds <s>]' +
  ' | glassmodes relaxation --combine <dir>... --out <dir>' +
  '  (τ_α near T_d needs 10^5–10^7 sweeps per temperature at N = 1000: a cluster job, one temperature per task, then --combine.' +
  ' A checkpoint is written to <out>/checkpoint/ every --checkpoint-seconds (default 120): the same command run again resumes a killed run' +
  ' and gives the same files; a folder holding checkpoints of other settings is refused. docs/RELAXATION.md)';

/** The flag a user types for each setting the plan may refuse, so that a refusal names it. */
const FLAGS: Record<string, string> = {
  temperatures: '--temperatures',
  sweeps: '--sweeps',
  equilibrationSweeps: '--equilibrate',
  wavevector: '--k',
  pointsPerDecade: '--points-per-decade',
  'model.dim': '--dim',
  'model.particles': '--particles',
  'model.taper': '--taper',
  'model.potential': '--potential',
  'model.density': '--density',
  'sampling.swapProbability': '--swap-probability',
  'sampling.maxDisplacement': '--max-displacement',
  seed: '--seed',
};

/** `0.3,0.4,0.5` → numbers; a part that is not a number is passed on as text for the gate to refuse. */
function temperatureList(text: string): unknown[] {
  return text.split(',').map((part) => {
    const t = Number(part);
    return part.trim() !== '' && !Number.isNaN(t) ? t : part;
  });
}

/** The plan and the output folder from the command line; refuses bad input before anything runs. */
export function relaxationPlanFromArgs(args: string[]): { plan: RelaxationPlan; out: string; checkpointSeconds: number } {
  const { values, positionals } = parse(
    args,
    {
      temperatures: { type: 'string' },
      equilibrate: { type: 'string' },
      sweeps: { type: 'string' },
      out: { type: 'string' },
      dim: { type: 'string' },
      particles: { type: 'string' },
      taper: { type: 'string' },
      potential: { type: 'string' },
      density: { type: 'string' },
      seed: { type: 'string' },
      k: { type: 'string' },
      'points-per-decade': { type: 'string' },
      'swap-probability': { type: 'string' },
      'max-displacement': { type: 'string' },
      'checkpoint-seconds': { type: 'string' },
    },
    RELAXATION_USAGE,
  );
  if (positionals.length) throw new UsageError(`relaxation takes no positional arguments (the folder is --out)\nusage: ${RELAXATION_USAGE}`);
  if (values.temperatures === undefined || values.sweeps === undefined || values.equilibrate === undefined || !values.out) {
    throw new UsageError(`relaxation needs --temperatures, --equilibrate, --sweeps and --out\nusage: ${RELAXATION_USAGE}`);
  }
  const model: Partial<ModelSettings> = {};
  const dim = numberOption(values.dim, 'dim', true);
  if (dim !== undefined) model.dim = dim as 2 | 3;
  const particles = numberOption(values.particles, 'particles', true);
  if (particles !== undefined) model.particles = particles;
  const density = numberOption(values.density, 'density');
  if (density !== undefined) model.density = density;
  if (values.potential !== undefined) model.potential = values.potential as ModelSettings['potential'];
  const checkpointSeconds = numberOption(values['checkpoint-seconds'], 'checkpoint-seconds') ?? 120;
  if (!(checkpointSeconds > 0)) throw new SettingsError('checkpointSeconds (--checkpoint-seconds)', 'a positive number of seconds', checkpointSeconds);
  try {
    if (values.taper !== undefined) model.taper = parseTaper(values.taper);
    const plan = validateRelaxationPlan({
      model,
      temperatures: temperatureList(values.temperatures) as number[],
      equilibrationSweeps: numberOption(values.equilibrate, 'equilibrate', true),
      sweeps: numberOption(values.sweeps, 'sweeps', true),
      seed: numberOption(values.seed, 'seed', true),
      wavevector: numberOption(values.k, 'k'),
      pointsPerDecade: numberOption(values['points-per-decade'], 'points-per-decade', true),
      swapProbability: numberOption(values['swap-probability'], 'swap-probability'),
      maxDisplacement: numberOption(values['max-displacement'], 'max-displacement'),
    });
    return { plan, out: values.out, checkpointSeconds };
  } catch (error) {
    if (error instanceof SettingsError && FLAGS[error.setting]) throw new SettingsError(`${error.setting} (${FLAGS[error.setting]})`, error.allowed, error.got, error.why);
    throw error;
  }
}

/** Progress on stderr as `glassmodes run` shows it: a bar redrawn in place on a TTY, plain lines in a log. */
function createScanReporter(stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let first: number | undefined; // a resumed scan starts part way: the rate is that of this run
  let lastDraw = 0;
  let lastTenth = 0;
  let lastTemperature = '';
  return {
    update(fraction: number, message: string) {
      const now = Date.now();
      const elapsed = (now - started) / 1000;
      first ??= fraction;
      const eta = fraction - first > 0.02 ? (elapsed * (1 - fraction)) / (fraction - first) : NaN;
      const line = `relaxation ${progressBar(fraction)} ${(100 * fraction).toFixed(0).padStart(3)}% eta ${formatDuration(eta)}  ${message}`;
      if (tty) {
        if (now - lastDraw < 100 && fraction < 1) return;
        lastDraw = now;
        stream.write('\r\x1b[2K' + line.slice(0, (stream.columns ?? 120) - 1));
        return;
      }
      const temperature = message.split(':')[0];
      const tenth = Math.floor(fraction * 10);
      if (temperature !== lastTemperature || tenth > lastTenth) {
        lastTemperature = temperature;
        lastTenth = Math.max(lastTenth, tenth);
        stream.write(line + '\n');
      }
    },
    finish() {
      if (tty) stream.write('\n');
    },
  };
}

function report(rows: ScanRow[], fit: ModeCouplingFit | null, fitNote: string | null): void {
  console.log('T         tau_alpha [sweeps]   swap-free sweeps');
  for (const r of rows) {
    const tau = r.tauAlpha !== null ? r.tauAlpha.toFixed(1) : `> ${r.tauAlphaLowerBound}`;
    console.log(`${String(r.temperature).padEnd(9)} ${tau.padEnd(20)} ${r.sweeps}`);
  }
  if (fit) console.log(`mode-coupling fit τ = A (T − T_d)^(−γ): T_d = ${fit.Td.toPrecision(5)}, γ = ${fit.gamma.toPrecision(4)}, A = ${fit.A.toPrecision(4)}, Σ(Δ ln τ)² = ${fit.residual.toPrecision(3)}`);
  if (fitNote) console.log(`${fit ? 'note' : 'no fit'}: ${fitNote}`);
}

/** --combine: the temperatures of several scans (e.g. one per cluster task) in one table and one fit. */
/** A scan folder read back; a folder that holds none is a usage error (exit 2), as before. */
function readScan(dir: string): ReturnType<typeof readScanFolder> {
  try {
    return readScanFolder(dir);
  } catch (error) {
    if (error instanceof RelaxationScanError) throw new UsageError(error.message);
    throw error;
  }
}

function combineCommand(dirs: string[], out: string, args: string[]): number {
  if (dirs.length === 0) throw new UsageError(`--combine takes the scan folders to combine\nusage: ${RELAXATION_USAGE}`);
  const scans = dirs.map((dir) => ({ dir, ...readScan(dir) }));
  const first = scans[0];
  for (const scan of scans) {
    if (JSON.stringify(scan.model) !== JSON.stringify(first.model)) throw new UsageError(`${scan.dir} simulated another model than ${first.dir}: τ_α of different models cannot be fitted together`);
    if (scan.wavevector !== first.wavevector) throw new UsageError(`${scan.dir} measured F_s at k = ${scan.wavevector}, ${first.dir} at k = ${first.wavevector}`);
  }
  const rows: ScanRow[] = [];
  const from = new Map<number, string>();
  for (const scan of scans) {
    for (const row of scan.rows) {
      if (from.has(row.temperature)) throw new UsageError(`T = ${row.temperature} is in both ${from.get(row.temperature)} and ${scan.dir}; combine one measurement per temperature`);
      from.set(row.temperature, scan.dir);
      rows.push(row);
    }
  }
  rows.sort((a, b) => b.temperature - a.temperature);
  const seeds = [...new Set(scans.map((s) => s.seed))];
  const { fit, fitNote } = writeScanFiles(out, rows, {
    model: first.model,
    wavevector: first.wavevector,
    command: ['glassmodes', 'relaxation', ...args].join(' '),
    settings: { model: first.model, wavevector: first.wavevector, combined: dirs },
    seed: seeds.length === 1 ? seeds[0] : seeds,
  });
  report(rows, fit, fitNote);
  console.log(`combined ${rows.length} temperature(s) from ${dirs.length} scan(s) into ${out}`);
  return 0;
}

export function relaxationCommand(args: string[]): number {
  if (args.includes('--combine')) {
    const { values, positionals } = parse(args, { combine: { type: 'boolean' }, out: { type: 'string' } }, RELAXATION_USAGE);
    if (!values.out) throw new UsageError(`--combine needs --out\nusage: ${RELAXATION_USAGE}`);
    return combineCommand(positionals, values.out, args);
  }
  const { plan, out, checkpointSeconds } = relaxationPlanFromArgs(args);
  let store: RelaxationCheckpoints;
  try {
    store = openRelaxationCheckpoints(out, plan);
  } catch (error) {
    if (error instanceof RelaxationCheckpointError) throw new UsageError(error.message);
    throw error;
  }
  const m = plan.model;
  console.log(
    `relaxation: d = ${m.dim}, N = ${m.particles}, ${m.potential} taper m = ${m.taper}, T = ${plan.temperatures.join(', ')}; ` +
      `${plan.equilibrationSweeps} swap sweeps (p_swap = ${plan.swapProbability}, δ = ${plan.maxDisplacement}) then ${plan.sweeps} swap-free sweeps, ` +
      `k = ${plan.wavevector === DEFAULT_WAVEVECTOR ? '2π' : plan.wavevector}, seed ${plan.seed}`,
  );
  if (store.writtenBy !== null && store.writtenBy !== APP_VERSION) {
    console.error(`note: the checkpoints in ${store.folder} were written by glassmodes ${store.writtenBy}, this is ${APP_VERSION}; a resumed run is bit for bit an uninterrupted one only with the same version`);
  }
  for (const temperature of plan.temperatures) {
    const finished = store.finished.get(temperature);
    const checkpoint = store.checkpoints.get(temperature);
    if (finished) console.error(`skipped T = ${temperature}: finished in an earlier run (${finished.path}), not recomputed`);
    else if (checkpoint) {
      const done = checkpoint.state.sweepsDone;
      const where = checkpoint.phase === 'equilibration' ? `swap MC ${done}/${plan.equilibrationSweeps}` : `swap-free MC ${done - plan.equilibrationSweeps}/${plan.sweeps}`;
      console.error(`resumed T = ${temperature} at sweep ${done} of ${plan.equilibrationSweeps + plan.sweeps} (${where})`);
    }
  }
  const reporter = createScanReporter();
  const t0 = performance.now();
  let lastCheckpoint = performance.now();
  const result = runRelaxation(plan, reporter.update, {
    finished: (temperature) => store.finished.get(temperature)?.run,
    resume: (temperature) => store.checkpoints.get(temperature),
    due: () => performance.now() - lastCheckpoint >= checkpointSeconds * 1000,
    save: (checkpoint) => {
      store.save(checkpoint);
      lastCheckpoint = performance.now();
    },
    onFinished: (run) => store.finish(run),
  });
  reporter.finish();
  const rows = result.runs.map(({ temperature, seed, times, fs, tauAlpha, tauAlphaLowerBound, acceptance, energyPerParticle, largestUnwrapStep }): ScanRow => ({
    temperature,
    seed,
    equilibrationSweeps: plan.equilibrationSweeps,
    sweeps: plan.sweeps,
    times,
    fs,
    tauAlpha,
    tauAlphaLowerBound,
    acceptance,
    energyPerParticle,
    largestUnwrapStep,
  }));
  const { fit, fitNote } = writeScanFiles(out, rows, { model: m, wavevector: plan.wavevector, command: ['glassmodes', 'relaxation', ...args].join(' '), settings: plan, seed: plan.seed });
  store.clear();
  report(rows, fit, fitNote);
  for (const r of result.runs) {
    console.log(`  T = ${r.temperature}: swap-free acceptance ${r.acceptance.measurement.displacement.toFixed(3)}, E/N after equilibration ${r.energyPerParticle.equilibrated.toFixed(5)}, at the end ${r.energyPerParticle.final.toFixed(5)}`);
  }
  console.log(`wrote ${join(out, 'fs.csv')}, tau.csv, summary.json in ${formatDuration((performance.now() - t0) / 1000)}`);
  return 0;
}
