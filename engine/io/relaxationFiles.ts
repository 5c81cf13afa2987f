/**
 * The checkpoints of `glassmodes relaxation` (docs/RELAXATION.md "Resuming a killed run"), kept in
 * <out>/checkpoint/:
 *   plan.json               the plan they belong to (and the version that wrote them);
 *   T<T>.checkpoint.json    a temperature that was running, at its last block boundary;
 *   T<T>.result.json        a temperature that finished.
 * Every file is written atomically (files.ts). A run of the same plan takes the results as they are
 * and goes on from the checkpoints; a run of another plan is refused before anything is written.
 * The folder is removed once the scan's fs.csv, tau.csv and summary.json are written.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkTemperatureCheckpoint,
  checkTemperatureResult,
  type RelaxationPlan,
  type TemperatureCheckpoint,
  type TemperatureRelaxation,
} from '../pipeline/relaxationRun';
import { monteCarloStateFromJson, monteCarloStateToJson } from '../sim/moves';
import { APP_VERSION } from '../version';
import { writeFileAtomic } from './files';

/** The folder, inside a scan's output folder, that holds its checkpoints while it runs. */
export const CHECKPOINT_FOLDER = 'checkpoint';

/** A folder whose checkpoints cannot be resumed by this run (another plan, an unreadable file). */
export class RelaxationCheckpointError extends Error {}

interface PlanFile {
  format: 'glassmodes-relaxation-plan';
  version: string;
  plan: RelaxationPlan;
}

const checkpointName = (temperature: number) => `T${temperature}.checkpoint.json`;
const resultName = (temperature: number) => `T${temperature}.result.json`;

/**
 * JSON that gives back exactly what was written: typed arrays as arrays, and the non-finite
 * numbers JSON lacks ('NaN', 'Infinity', '-Infinity') as strings (finite doubles round-trip
 * exactly through their shortest decimal form).
 */
function encode(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v instanceof Float64Array ? Array.from(v) : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n';
}
function decode(text: string): unknown {
  return JSON.parse(text, (_key, v) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v));
}

/** An array of numbers as a Float64Array; anything else is left for the checks to refuse. */
const floats = (x: unknown): unknown => (Array.isArray(x) && x.every((v) => typeof v === 'number') ? Float64Array.from(x) : x);

/**
 * A checkpoint as written: its Monte Carlo state in the one MC checkpoint form of the engine
 * (monteCarloStateToJson, as sample and chain checkpoints hold it), the measurement beside it.
 */
function checkpointToJson(c: TemperatureCheckpoint): unknown {
  return { ...c, state: monteCarloStateToJson(c.state) };
}

function checkpointFromJson(raw: any): TemperatureCheckpoint {
  const state = raw?.state ?? {};
  const m = raw?.measurement;
  // Checkpoints written before the MC state had one JSON form kept the generator as {s: [...]}.
  const rng = state.rng && !Array.isArray(state.rng) && Array.isArray(state.rng.s) ? state.rng.s : state.rng;
  for (const key of ['positions', 'diameters'] as const) {
    if (!Array.isArray(state[key]) || !state[key].every((v: unknown) => typeof v === 'number')) throw new RangeError(`state.${key} must be an array of numbers`);
  }
  return {
    temperature: raw?.temperature,
    phase: raw?.phase,
    state: monteCarloStateFromJson({ ...state, rng }),
    measurement: m ? { ...m, reference: floats(m.reference), unwrapped: floats(m.unwrapped) } : m,
  } as TemperatureCheckpoint;
}

function resultFromJson(raw: any): TemperatureRelaxation {
  return { ...raw, fs: floats(raw?.fs) } as TemperatureRelaxation;
}

/** `model.particles: 64 there, 100 here` for every setting where two plans differ. */
function planDifferences(stored: unknown, plan: RelaxationPlan): string[] {
  const flat = (value: unknown, prefix: string, into: Map<string, string>) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) flat(v, prefix ? `${prefix}.${k}` : k, into);
    } else into.set(prefix, JSON.stringify(value));
    return into;
  };
  const there = flat(stored, '', new Map());
  const here = flat(plan, '', new Map());
  const keys = [...new Set([...here.keys(), ...there.keys()])];
  return keys.filter((k) => there.get(k) !== here.get(k)).map((k) => `${k}: ${there.get(k) ?? 'absent'} there, ${here.get(k) ?? 'absent'} here`);
}

export interface RelaxationCheckpoints {
  /** <out>/checkpoint */
  folder: string;
  /** The glassmodes version that wrote the checkpoints found (null when there were none). */
  writtenBy: string | null;
  /** Temperatures an earlier run finished, and the file each was read from. */
  finished: Map<number, { run: TemperatureRelaxation; path: string }>;
  /** Temperatures an earlier run left running, at their last checkpoint. */
  checkpoints: Map<number, TemperatureCheckpoint>;
  /** Writes the checkpoint of a running temperature (and plan.json first, when not yet there). */
  save(checkpoint: TemperatureCheckpoint): void;
  /** Keeps a finished temperature, then removes its checkpoint. */
  finish(run: TemperatureRelaxation): void;
  /** Removes the folder: the scan's final files are written. */
  clear(): void;
}

/**
 * The checkpoints of a scan in `out` for `plan`. Refuses, with a RelaxationCheckpointError that
 * says what differs and touching nothing on disk, a folder holding checkpoints of another plan, and
 * one whose checkpoint files cannot be read or do not fit the plan.
 */
export function openRelaxationCheckpoints(out: string, plan: RelaxationPlan): RelaxationCheckpoints {
  const folder = join(out, CHECKPOINT_FOLDER);
  const planPath = join(folder, 'plan.json');
  const finished = new Map<number, { run: TemperatureRelaxation; path: string }>();
  const checkpoints = new Map<number, TemperatureCheckpoint>();
  let writtenBy: string | null = null;
  // Names starting with '.' are temporary files of an atomic write that was killed: never data.
  const names = existsSync(folder) ? readdirSync(folder).filter((name) => !name.startsWith('.')) : [];
  if (names.length > 0) {
    const refuse = (why: string) =>
      new RelaxationCheckpointError(`${out} holds checkpoints of a relaxation scan that this run cannot resume: ${why}. Nothing was changed; choose another --out, or delete ${folder} to discard them`);
    if (!names.includes('plan.json')) throw refuse(`${planPath} is missing`);
    let stored: PlanFile;
    try {
      stored = decode(readFileSync(planPath, 'utf8')) as PlanFile;
    } catch (error) {
      throw refuse(`${planPath} cannot be read (${(error as Error).message})`);
    }
    if (stored?.format !== 'glassmodes-relaxation-plan') throw refuse(`${planPath} is not a relaxation plan`);
    const differences = planDifferences(stored.plan, plan);
    if (differences.length) throw refuse(`they belong to another plan (${differences.join('; ')})`);
    writtenBy = stored.version;
    for (const name of names) {
      const match = /^T(.+)\.(checkpoint|result)\.json$/.exec(name);
      if (!match) continue;
      const path = join(folder, name);
      const temperature = Number(match[1]);
      try {
        const raw = decode(readFileSync(path, 'utf8'));
        if (match[2] === 'result') {
          const run = resultFromJson(raw);
          checkTemperatureResult(plan, run);
          if (run.temperature !== temperature) throw new RangeError(`it holds T = ${run.temperature}`);
          finished.set(temperature, { run, path });
        } else {
          const checkpoint = checkpointFromJson(raw);
          checkTemperatureCheckpoint(plan, checkpoint);
          if (checkpoint.temperature !== temperature) throw new RangeError(`it holds T = ${checkpoint.temperature}`);
          checkpoints.set(temperature, checkpoint);
        }
      } catch (error) {
        throw refuse(`${path} cannot be used (${(error as Error).message})`);
      }
    }
    // Killed between keeping a result and removing its checkpoint: the result wins.
    for (const t of finished.keys()) checkpoints.delete(t);
  }
  let planWritten = names.length > 0;
  const writePlan = () => {
    if (planWritten) return;
    const file: PlanFile = { format: 'glassmodes-relaxation-plan', version: APP_VERSION, plan };
    writeFileAtomic(planPath, JSON.stringify(file, null, 2) + '\n');
    planWritten = true;
  };
  return {
    folder,
    writtenBy,
    finished,
    checkpoints,
    save(checkpoint) {
      writePlan();
      writeFileAtomic(join(folder, checkpointName(checkpoint.temperature)), encode(checkpointToJson(checkpoint)));
    },
    finish(run) {
      writePlan();
      writeFileAtomic(join(folder, resultName(run.temperature)), encode(run));
      rmSync(join(folder, checkpointName(run.temperature)), { force: true });
    },
    clear() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
