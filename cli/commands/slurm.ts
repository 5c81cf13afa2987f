/**
 * `glassmodes slurm <dir>`: the same runs as a SLURM array (docs/CLUSTER.md). Writes
 * <dir>/slurm/array.sh, one array task per contiguous share of the project's samples (or chains:
 * one `glassmodes run <dir> --samples a-b | --chains a-b` each), and <dir>/slurm/analyze.sh, the
 * job that runs `analyze` (for a reproduction directory: `reproduce`, which analyses every
 * ensemble and writes the report) once every task has succeeded (--dependency=afterok). With
 * --submit it submits both; without, it prints the array script on stdout.
 *
 * Checkpoints under the scheduler: the batch shell runs glassmodes in the background and waits, so
 * that its TERM trap runs at once (a shell defers traps while a foreground child runs); the trap
 * passes the signal on; glassmodes makes every running sample or chain write its checkpoint and
 * exits. `#SBATCH --signal=B:TERM@60` sends that TERM to the batch shell a minute before the time
 * limit; the task then asks the scheduler (`scontrol requeue`) to run it again, and the requeued
 * task resumes from the checkpoints. A task cancelled outright (`scancel`: its JobState reads
 * COMPLETING by then) writes its checkpoints too but is not requeued; a preempted one is requeued
 * by SLURM itself (--requeue).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createProject, openProject, ProjectError, PROJECT_FILE, readSampleMeta, type ProjectFile } from '../../engine/io/project';
import { estimateMonteCarlo } from '../../engine/pipeline/estimate';
import { chainEntries } from '../../engine/pipeline/chain';
import { formatDuration } from '../progress';
import { writeFileAtomic, writeJsonAtomic } from '../../engine/io/files';
import { checkAgainstPlan } from '../../engine/io/reproduceRun';
import { reproducePlan, tinyPlan, type ReproducePlan } from '../../engine/pipeline/reproducePlan';
import { APP_VERSION } from '../../engine/version';
import { numberOption, parse, UsageError } from '../args';

export const SLURM_USAGE =
  'glassmodes slurm <dir> [--tasks <n> | --per-task <k>] [--time <limit>] [--partition <p>] [--account <a>] [--cpus-per-task <c>] [--max-requeues <r>] [--sbatch <option>]… [--reproduce quick|paper] [--no-estimate] [--submit]';

/** One unit of work of an array task: a sample or a chain of one project folder. */
export interface WorkUnit {
  /** Absolute path of the project folder. */
  dir: string;
  kind: 'samples' | 'chains';
  index: number;
}

/** One array task: `glassmodes run <dir> --<kind> <first>-<last>` for each range, in order. */
export interface SlurmTask {
  task: number;
  runs: { dir: string; kind: 'samples' | 'chains'; first: number; last: number }[];
}

/** What the array works on: one project folder, or the ensembles of a reproduction directory. */
export interface SlurmTarget {
  dir: string;
  projects: { dir: string; project: ProjectFile }[];
  /** The reproduction's scale, when `dir` is a reproduction directory. */
  reproduce?: string;
}

/** The units of a project: its chains (a project of chains) or its samples. */
export function workUnits(dir: string, project: ProjectFile): WorkUnit[] {
  const chains = project.settings.sampling.chains;
  if (chains > 0) return Array.from({ length: chains }, (_, index) => ({ dir, kind: 'chains' as const, index }));
  return project.samples.map((s) => ({ dir, kind: 'samples' as const, index: s.index }));
}

/**
 * Splits the units into `tasks` contiguous shares as equal as they can be (the first ones one
 * longer), or into shares of `perTask`; each share becomes one array task, its units grouped into
 * one index range per project folder.
 */
export function splitTasks(units: WorkUnit[], how: { tasks: number } | { perTask: number }): SlurmTask[] {
  if (units.length === 0) throw new ProjectError('nothing to run: the folder has no samples');
  const count = 'tasks' in how ? how.tasks : Math.ceil(units.length / how.perTask);
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--tasks must be an integer ≥ 1, got ${count}`);
  if (count > units.length) throw new UsageError(`--tasks ${count} is more than there are units of work (${units.length} ${units[0].kind}); give at most ${units.length}`);
  const shares: WorkUnit[][] = [];
  if ('tasks' in how) {
    const base = Math.floor(units.length / count);
    let at = 0;
    for (let t = 0; t < count; t++) {
      const size = base + (t < units.length % count ? 1 : 0);
      shares.push(units.slice(at, at + size));
      at += size;
    }
  } else for (let at = 0; at < units.length; at += how.perTask) shares.push(units.slice(at, at + how.perTask));
  return shares.map((share, task) => {
    const runs: SlurmTask['runs'] = [];
    for (const u of share) {
      const last = runs[runs.length - 1];
      if (last && last.dir === u.dir && last.kind === u.kind && last.last === u.index - 1) last.last = u.index;
      else runs.push({ dir: u.dir, kind: u.kind, first: u.index, last: u.index });
    }
    return { task, runs };
  });
}

/** A word for bash, single-quoted where it needs to be. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** SLURM's time formats: minutes, minutes:seconds, hours:minutes:seconds, days-hours[:minutes[:seconds]]. */
export function checkTimeLimit(text: string): string {
  const ok = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2})$/.test(text);
  if (!ok) throw new UsageError(`--time must be a SLURM time limit (minutes, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss), got '${text}'`);
  return text;
}

/** A SLURM time limit in seconds (checkTimeLimit's formats). */
export function timeLimitSeconds(text: string): number {
  const [days, rest] = text.includes('-') ? [Number(text.split('-')[0]), text.split('-')[1]] : [0, text];
  const parts = rest.split(':').map(Number);
  if (text.includes('-')) {
    const [h, m = 0, sec = 0] = parts;
    return ((days * 24 + h) * 60 + m) * 60 + sec;
  }
  if (parts.length === 1) return parts[0] * 60;
  if (parts.length === 2) return parts[0] * 60 + parts[1];
  return (parts[0] * 60 + parts[1]) * 60 + parts[2];
}

/**
 * Seconds of work per task on this machine: the Monte Carlo of each unit from the rate measured
 * now (engine/pipeline/estimate.ts), plus quench and spectrum per sample from the mean of the
 * finished samples' meta.json timings (none finished: not counted, and said so); a task's units
 * shared over its `cpus` workers.
 */
export function taskSeconds(target: SlurmTarget, tasks: SlurmTask[], cpus: number): { seconds: number[]; laterStagesMeasured: number } {
  const unitSeconds = new Map<string, number[]>();
  let measured = 0;
  // A throwaway first measurement: a cold hot loop measures several times too slow (as in reproduce).
  const warm = target.projects.find((p) => p.project.settings.sampling.parentTemperature !== 'inf');
  if (warm) estimateMonteCarlo(warm.project.settings, 0.2);
  for (const { dir, project } of target.projects) {
    const mc = estimateMonteCarlo(project.settings, 0.3);
    const later = project.samples
      .map((s) => readSampleMeta(dir, s.id)?.timings)
      .filter((t): t is Record<string, number> => t !== undefined && t.quench !== undefined && (t.spectrum !== undefined || !project.settings.spectrum.enabled))
      .map((t) => t.quench + (t.spectrum ?? 0));
    measured += later.length;
    const perSample = later.length ? later.reduce((a, b) => a + b, 0) / later.length : 0;
    const perSweep = mc ? project.settings.model.particles / mc.rate : 0;
    if (project.settings.sampling.chains > 0) {
      const sweeps = (c: ReturnType<typeof chainEntries>[number]) => project.settings.sampling.equilibrate + c.samples.length * project.settings.sampling.sampleEvery;
      unitSeconds.set(dir, chainEntries(project.settings).map((c) => sweeps(c) * perSweep + c.samples.length * perSample));
    } else {
      const sweeps = project.settings.sampling.parentTemperature === 'inf' ? 0 : project.settings.sampling.sweeps;
      unitSeconds.set(dir, project.samples.map(() => sweeps * perSweep + perSample));
    }
  }
  const seconds = tasks.map((t) => {
    const loads = t.runs.flatMap((r) => unitSeconds.get(r.dir)!.slice(r.first, r.last + 1));
    const workers = Math.max(1, Math.min(cpus, loads.length));
    return Math.max(Math.max(...loads), loads.reduce((a, b) => a + b, 0) / workers);
  });
  return { seconds, laterStagesMeasured: measured };
}

/** The glassmodes command the jobs run: this Node and this checkout's bin/glassmodes.mjs (absolute paths, the same on the compute nodes of a shared filesystem). */
export function glassmodesCommand(): { node: string; script: string } {
  return { node: process.execPath, script: fileURLToPath(new URL('../../bin/glassmodes.mjs', import.meta.url)) };
}

export interface ScriptOptions {
  name: string;
  time?: string;
  partition?: string;
  account?: string;
  cpusPerTask: number;
  maxRequeues: number;
  /** Seconds before the time limit at which the batch shell gets SIGTERM (default 60). */
  warnSeconds?: number;
  extra: string[];
  command: { node: string; script: string };
  /** The command line that made the script, for its header. */
  generatedBy: string;
}

function commonDirectives(o: ScriptOptions): string[] {
  return [
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.account ? [`#SBATCH --account=${o.account}`] : []),
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    ...o.extra.map((x) => `#SBATCH ${x}`),
  ];
}

/** The sbatch array script (see the module comment for its signal handling). */
export function arrayScript(target: SlurmTarget, tasks: SlurmTask[], o: ScriptOptions): string {
  const logs = join(target.dir, 'slurm', 'logs');
  const cases = tasks.map((t) => {
    const runs = t.runs.map((r) => `run ${shellWord(r.dir)} --${r.kind} ${r.first === r.last ? r.first : `${r.first}-${r.last}`}`);
    return `    ${t.task}) ${runs.join(' && ')} ;;`;
  });
  return `#!/bin/bash
# glassmodes ${APP_VERSION}: ${tasks.length} array task(s) over ${target.dir}
# generated by: ${o.generatedBy}
# Each task runs its share with \`glassmodes run\`; SIGTERM (the time-limit warning below, scancel
# --signal=TERM, preemption) makes every running sample or chain write its checkpoint; a task
# warned before its time limit requeues itself and resumes from those checkpoints.
#SBATCH --job-name=${o.name}
#SBATCH --array=0-${tasks.length - 1}
${commonDirectives(o).join('\n')}
#SBATCH --requeue
#SBATCH --signal=B:TERM@${o.warnSeconds ?? 60}
#SBATCH --open-mode=append
#SBATCH --output=${logs}/task-%A_%a.out
set -u
NODE=${shellWord(o.command.node)}
GLASSMODES=${shellWord(o.command.script)}
MAX_REQUEUES=${o.maxRequeues}
JOBS=\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask}}
TASK="\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}"
child=
signals=0
on_signal() {
  signals=$((signals + 1))
  echo "glassmodes task $TASK: SIG$1 at $(date -u +%FT%TZ); passing it on to glassmodes (pid \${child:-none}), which writes the checkpoints"
  if [ -n "$child" ]; then kill -s "$1" "$child" 2>/dev/null; fi
}
trap 'on_signal TERM' TERM
trap 'on_signal INT' INT
# glassmodes in the background and \`wait\`: a trap runs as soon as the signal arrives (not after
# a foreground child ends); \`wait\` returns then, so wait again until glassmodes itself has exited.
run() {
  "$NODE" "$GLASSMODES" run "$@" --jobs "$JOBS" --no-estimate &
  child=$!
  local rc seen
  while :; do
    seen=$signals
    wait "$child"
    rc=$?
    if [ "$rc" -gt 128 ] && [ "$signals" -ne "$seen" ]; then continue; fi
    break
  done
  child=
  return "$rc"
}
task() {
  case "$SLURM_ARRAY_TASK_ID" in
${cases.join('\n')}
    *) echo "glassmodes: this script has no array task $SLURM_ARRAY_TASK_ID" >&2; return 2 ;;
  esac
}
echo "glassmodes task $TASK (job \${SLURM_JOB_ID}, restart \${SLURM_RESTART_COUNT:-0}) on $(hostname) at $(date -u +%FT%TZ)"
task
rc=$?
if [ "$signals" -gt 0 ]; then
  state=$(scontrol show job -o "$TASK" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -n 1 | cut -d= -f2)
  # RUNNING: warned before the time limit (--signal) or signalled by \`scancel --signal=TERM\`;
  # TIMEOUT: the limit itself. Both resume from the checkpoints in a requeued run. Cancelled
  # (scancel: COMPLETING by now) stays cancelled; PREEMPTED is requeued by SLURM itself (--requeue).
  if [ "$state" = RUNNING ] || [ "$state" = TIMEOUT ]; then
    if [ "\${SLURM_RESTART_COUNT:-0}" -lt "$MAX_REQUEUES" ]; then
      echo "glassmodes task $TASK: state $state, requeued to resume from its checkpoints (restart $(( \${SLURM_RESTART_COUNT:-0} + 1 )) of at most $MAX_REQUEUES)"
      if scontrol requeue "$TASK"; then exit 0; fi
      echo "glassmodes task $TASK: scontrol requeue failed; resubmit to resume" >&2
    else
      echo "glassmodes task $TASK: not requeued, it has been restarted $MAX_REQUEUES times (--max-requeues); resubmit to resume" >&2
    fi
  else
    echo "glassmodes task $TASK: state \${state:-unknown}, not requeued by this script"
  fi
fi
exit "$rc"
`;
}

/** The job after the array: `analyze` (a project) or `reproduce` (a reproduction directory: analyses and report). */
export function analyzeScript(target: SlurmTarget, o: ScriptOptions): string {
  const logs = join(target.dir, 'slurm', 'logs');
  const dir = shellWord(target.dir);
  const body = target.reproduce
    ? `exec "$NODE" "$GLASSMODES" reproduce ${dir} --scale ${target.reproduce} --jobs "\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask}}" --no-estimate`
    : `"$NODE" "$GLASSMODES" info ${dir}\nexec "$NODE" "$GLASSMODES" analyze ${dir}`;
  return `#!/bin/bash
# glassmodes ${APP_VERSION}: after every array task over ${target.dir} has succeeded (afterok), ${target.reproduce ? 'the analyses and the report (glassmodes reproduce; nothing is pending by then)' : 'the analysis'}
# generated by: ${o.generatedBy}
#SBATCH --job-name=${o.name}-analyze
${commonDirectives(o).join('\n')}
#SBATCH --output=${logs}/analyze-%j.out
set -u
NODE=${shellWord(o.command.node)}
GLASSMODES=${shellWord(o.command.script)}
echo "glassmodes analyze job \${SLURM_JOB_ID} on $(hostname) at $(date -u +%FT%TZ)"
${body}
`;
}

const SCALES: Record<string, () => ReproducePlan> = { quick: () => reproducePlan('quick'), paper: () => reproducePlan('paper'), tiny: tinyPlan };

/**
 * The folder's projects: `dir` itself, or the ensemble folders of a reproduction (made by
 * `glassmodes reproduce`, or created here from the plan of `reproduce`).
 */
export function slurmTarget(dirInput: string, reproduce?: string): SlurmTarget {
  const dir = resolve(dirInput);
  if (reproduce !== undefined) {
    const make = SCALES[reproduce];
    if (!make) throw new UsageError(`--reproduce must be quick or paper, got '${reproduce}'`);
    if (existsSync(join(dir, PROJECT_FILE))) throw new ProjectError(`${dir} is a single project, not a reproduction directory: drop --reproduce`);
    const plan = make();
    mkdirSync(dir, { recursive: true });
    for (const { ensemble, exists } of checkAgainstPlan(dir, plan.ensembles)) {
      if (!exists) createProject(join(dir, ensemble.name), ensemble.settings, { name: ensemble.name, createdBy: `reproduce --scale ${plan.scale}` });
    }
    return { dir, reproduce: plan.scale, projects: plan.ensembles.map((e) => ({ dir: join(dir, e.name), project: openProject(join(dir, e.name)) })) };
  }
  if (existsSync(join(dir, PROJECT_FILE)) || !existsSync(dir)) return { dir, projects: [{ dir, project: openProject(dir) }] };
  // A reproduction directory: its ensembles' folders, made by `glassmodes reproduce --scale s`.
  const projects: SlurmTarget['projects'] = [];
  const scales = new Set<string>();
  for (const name of readdirSync(dir).sort()) {
    const sub = join(dir, name);
    if (!statSync(sub).isDirectory() || !existsSync(join(sub, PROJECT_FILE))) continue;
    const project = openProject(sub);
    const scale = /^reproduce --scale (\w+)/.exec(project.provenance.createdBy)?.[1];
    if (!scale) continue;
    scales.add(scale);
    projects.push({ dir: sub, project });
  }
  if (projects.length === 0) throw new ProjectError(`${dir} is neither a glassmodes project (no ${PROJECT_FILE}) nor a reproduction directory (no ensemble folders made by glassmodes reproduce); for a reproduction on the cluster, add --reproduce quick|paper`);
  if (scales.size > 1) throw new ProjectError(`${dir} holds ensembles of several reproduce scales (${[...scales].join(', ')}); one scale per directory`);
  const scale = [...scales][0];
  const plan = SCALES[scale]?.();
  if (plan) {
    checkAgainstPlan(dir, plan.ensembles); // refuses a folder that disagrees with the plan
    const missing = plan.ensembles.filter((e) => !projects.some((p) => p.dir === join(dir, e.name)));
    if (missing.length) throw new ProjectError(`${dir} lacks the ensembles ${missing.map((e) => e.name).join(', ')} of the ${scale} plan; add --reproduce ${scale} to create them`);
    // In the plan's order, as `reproduce` runs them (and as --reproduce maps them).
    const order = plan.ensembles.map((e) => join(dir, e.name));
    projects.sort((a, b) => order.indexOf(a.dir) - order.indexOf(b.dir));
  }
  return { dir, reproduce: scale, projects };
}

/** <dir>/slurm/submitted.json: what was submitted, for `glassmodes info`. */
export interface SubmittedRecord {
  format: 'glassmodes-slurm-submission';
  arrayJob: string;
  analyzeJob: string;
  submitted: string;
  tasks: { task: number; runs: string[] }[];
  scripts: { array: string; analyze: string };
}

export function readSubmitted(dir: string): SubmittedRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(resolve(dir), 'slurm', 'submitted.json'), 'utf8')) as SubmittedRecord;
    return r.format === 'glassmodes-slurm-submission' ? r : undefined;
  } catch {
    return undefined;
  }
}

const runText = (r: SlurmTask['runs'][number], base: string) => `${r.dir === base ? '' : r.dir.slice(base.length + 1) + ' '}--${r.kind} ${r.first === r.last ? r.first : `${r.first}-${r.last}`}`;

function sbatch(args: string[]): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' });
  if (r.error) throw new ProjectError(`sbatch could not be run (${r.error.message}); submit on a machine with SLURM's commands, or drop --submit and submit the scripts yourself`);
  if (r.status !== 0) throw new ProjectError(`sbatch ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout.trim().split(';')[0];
}

export function slurmCommand(args: string[]): number {
  const { values, positionals } = parse(
    args,
    {
      tasks: { type: 'string' },
      'per-task': { type: 'string' },
      time: { type: 'string' },
      partition: { type: 'string' },
      account: { type: 'string' },
      'cpus-per-task': { type: 'string' },
      'max-requeues': { type: 'string' },
      sbatch: { type: 'string', multiple: true },
      reproduce: { type: 'string' },
      'no-estimate': { type: 'boolean' },
      submit: { type: 'boolean' },
    },
    SLURM_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`slurm takes one project folder (or reproduction directory)\nusage: ${SLURM_USAGE}`);
  if (values.tasks !== undefined && values['per-task'] !== undefined) throw new UsageError('give --tasks or --per-task, not both');
  const tasksWanted = numberOption(values.tasks, 'tasks', true);
  const perTask = numberOption(values['per-task'], 'per-task', true);
  if (perTask !== undefined && perTask < 1) throw new UsageError(`--per-task must be an integer ≥ 1, got ${perTask}`);
  const cpusPerTask = numberOption(values['cpus-per-task'], 'cpus-per-task', true) ?? 1;
  if (cpusPerTask < 1) throw new UsageError(`--cpus-per-task must be an integer ≥ 1, got ${cpusPerTask}`);
  const maxRequeues = numberOption(values['max-requeues'], 'max-requeues', true) ?? 10;
  if (maxRequeues < 0) throw new UsageError(`--max-requeues must be an integer ≥ 0, got ${maxRequeues}`);
  const time = values.time !== undefined ? checkTimeLimit(values.time) : undefined;
  for (const [name, v] of [['partition', values.partition], ['account', values.account]] as const) {
    if (v !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(v)) throw new UsageError(`--${name} must be a SLURM ${name} name (letters, digits, _ . , -), got '${v}'`);
  }
  const extra = (values.sbatch ?? []).map((x) => x.trim());
  for (const x of extra) if (!/^--?[A-Za-z]/.test(x) || /[\n\r]/.test(x)) throw new UsageError(`--sbatch takes one sbatch option such as --mem=2G, got '${x}'`);
  if (values.submit) {
    const probe = spawnSync('sbatch', ['--version'], { encoding: 'utf8' });
    if (probe.error) throw new ProjectError(`--submit needs SLURM's sbatch on PATH (${probe.error.message}); nothing was written. Run this on a login node, or drop --submit and submit the scripts yourself`);
  }
  const target = slurmTarget(positionals[0], values.reproduce);
  const units = target.projects.flatMap((p) => workUnits(p.dir, p.project));
  const tasks = splitTasks(units, perTask !== undefined ? { perTask } : { tasks: tasksWanted ?? units.length });
  const name = `glassmodes-${target.dir.split('/').filter(Boolean).pop() ?? 'project'}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  const options: ScriptOptions = { name, time, partition: values.partition, account: values.account, cpusPerTask, maxRequeues, extra, command: glassmodesCommand(), generatedBy: ['glassmodes', 'slurm', ...args].map(shellWord).join(' ') };
  const folder = join(target.dir, 'slurm');
  mkdirSync(join(folder, 'logs'), { recursive: true });
  const arrayPath = join(folder, 'array.sh');
  const analyzePath = join(folder, 'analyze.sh');
  const array = arrayScript(target, tasks, options);
  writeFileAtomic(arrayPath, array);
  writeFileAtomic(analyzePath, analyzeScript(target, options));
  const mapping = tasks.map((t) => ({ task: t.task, runs: t.runs.map((r) => runText(r, target.dir)) }));
  const err = (line: string) => process.stderr.write(line + '\n');
  const what = target.projects.length > 1 ? 'sample(s) or chain(s)' : units[0].kind === 'chains' ? 'chain(s)' : 'sample(s)';
  err(`${tasks.length} array task(s) over ${units.length} ${what} in ${target.dir}${target.reproduce ? ` (reproduce --scale ${target.reproduce}, ${target.projects.length} ensembles)` : ''}:`);
  for (const m of mapping.slice(0, 8)) err(`  task ${m.task}: ${m.runs.join(', ')}`);
  if (mapping.length > 8) err(`  … task ${mapping[mapping.length - 1].task}: ${mapping[mapping.length - 1].runs.join(', ')}`);
  err(`wrote ${arrayPath} and ${analyzePath}; logs go to ${join(folder, 'logs')}`);
  if (!values['no-estimate']) {
    const { seconds, laterStagesMeasured } = taskSeconds(target, tasks, cpusPerTask);
    const longest = Math.max(...seconds);
    const later = laterStagesMeasured ? `quench and spectrum: the mean of ${laterStagesMeasured} finished sample(s)` : 'quench and spectrum not counted (no sample finished yet: run one, e.g. glassmodes run <dir> --samples 0, to measure them)';
    err(`estimate on this machine: the longest task ~${formatDuration(longest)} with ${cpusPerTask} CPU(s) (Monte Carlo at the rate measured now; ${later}); compute nodes may differ`);
    if (time && timeLimitSeconds(time) - 60 < longest) {
      err(`  --time ${time} is shorter than that: tasks will be warned 60 s before the limit, write their checkpoints and requeue (at most ${maxRequeues} times) — fine for preemptible queues, but a longer limit or more tasks wastes less`);
    }
  }
  if (!values.submit) {
    process.stdout.write(array);
    err(`submit: jid=$(sbatch --parsable ${shellWord(arrayPath)}) && sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes ${shellWord(analyzePath)}   (or: glassmodes slurm … --submit)`);
    return 0;
  }
  const arrayJob = sbatch([arrayPath]);
  const analyzeJob = sbatch([`--dependency=afterok:${arrayJob}`, '--kill-on-invalid-dep=yes', analyzePath]);
  const record: SubmittedRecord = { format: 'glassmodes-slurm-submission', arrayJob, analyzeJob, submitted: new Date().toISOString(), tasks: mapping, scripts: { array: arrayPath, analyze: analyzePath } };
  writeJsonAtomic(join(folder, 'submitted.json'), record);
  console.log(`submitted array job ${arrayJob} (${tasks.length} task(s)) and ${target.reproduce ? 'report' : 'analyze'} job ${analyzeJob} (after every task has succeeded)`);
  console.log(`watch: squeue -j ${arrayJob},${analyzeJob}; glassmodes info ${shellWord(target.dir)}`);
  return 0;
}
