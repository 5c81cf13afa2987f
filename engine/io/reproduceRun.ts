/**
 * Running a reproduction plan (engine/pipeline/reproducePlan.ts) inside one directory: one project
 * folder per ensemble, created from the plan when missing and refused when its project.json
 * disagrees with the plan; each run as far as it is pending (runProject: the files on disk are the
 * truth, so a killed reproduction continues where it stopped), analysed (analyzeProjectFolder, as
 * `glassmodes analyze`), then <dir>/report.json, <dir>/report.md, CSVs of the cross-ensemble series
 * and — through a drawing callback supplied by the caller, since engine/ may not import the
 * renderer — figures/*.svg drawn by the app's figure code.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, platform, release, totalmem } from 'node:os';
import { createProject, openProject, projectStatus, ProjectError } from './project';
import { runProject, type RunEvent } from './runner';
import { analyzeProjectFolder } from './analysisFiles';
import { writeFileAtomic, writeJsonAtomic } from './files';
import { estimateMonteCarlo } from '../pipeline/estimate';
import { validateSettings, type ProjectSettings } from '../model/settings';
import type { AnalysisSummary } from '../analysis/ensemble';
import { selectEnsembles, type PlannedEnsemble, type ReproducePlan } from '../pipeline/reproducePlan';
import { APP_VERSION } from '../version';

/** A figure the report asks for: the figure kind of figures/ and the project folders it overlays (first one first). */
export interface FigureJob {
  file: string;
  kind: string;
  ensembles: string[];
  dirs: string[];
  caption: string;
}

/** Draws one figure into job.file (absolute path, .svg; the CLI's renderer also writes the .png and .csv beside it); returns notes the figure code emitted. Throws with the reason when it cannot. */
export type DrawFigure = (job: FigureJob) => Promise<string[]>;

export interface ReproduceOptions {
  jobs?: number;
  only?: string[];
  signal?: AbortSignal;
  /** Progress of one ensemble's run. */
  onEvent?: (ensemble: string, event: RunEvent) => void;
  /** Lines for the user (the CLI: stderr). */
  log?: (line: string) => void;
  /** Measure the Monte Carlo rate and print an estimate first (default true). */
  estimate?: boolean;
  drawFigure?: DrawFigure;
  /** The command line, for the report. */
  command?: string;
}

export interface EnsembleRow {
  name: string;
  role: PlannedEnsemble['role'];
  taper: number | 'inf';
  potential: 'ipl' | 'lj';
  temperature: number | 'inf';
  figure4: boolean;
  settings: ProjectSettings;
  samplesPlanned: number;
  samplesDone: number;
  samplesFailed: number;
  /** null when no sample is finished (nothing to analyse). */
  s: { value: number; low: number; high: number; level: number; window: [number, number]; points: number; predictedTypeII: number } | null;
  omega0: number | null;
  ratio: { lowest: number; lowestError: number; middle: number; middleError: number; highest: number; highestError: number } | null;
  stressSlope: { value: number; error: number; window: [number, number]; predicted: number } | null;
  energyPerParticle: { value: number; error: number } | null;
  needsFullSpectrum: string[];
  unstableSamples: string[];
  estimateSeconds: number | null;
  wallSeconds: number;
  commands: string[];
}

export interface ReproduceReport {
  format: 'glassmodes-reproduce-report';
  version: string;
  scale: ReproducePlan['scale'];
  plan: string;
  ladder: number[];
  ladderNote: string;
  complete: boolean;
  ensembles: EnsembleRow[];
  figures: { file: string; kind: string; ensembles: string[]; caption: string; drawn: boolean; note?: string }[];
  missingFigures: string[];
  csv: string[];
  machine: { cpus: number; cpuModel: string; memoryGiB: number; os: string; node: string };
  command: string;
  wallSeconds: number;
  date: string;
}

function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = value;
  return out;
}

/** The first setting in which two settings differ, or undefined. */
export function settingsDifference(a: ProjectSettings, b: ProjectSettings): { setting: string; stored: unknown; planned: unknown } | undefined {
  const fa = flatten(a);
  const fb = flatten(b);
  for (const key of [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort()) {
    if (JSON.stringify(fa[key]) !== JSON.stringify(fb[key])) return { setting: key, stored: fa[key], planned: fb[key] };
  }
  return undefined;
}

/**
 * Checks every selected ensemble's folder against the plan before anything is written: a folder
 * with a project.json must hold exactly the planned settings; a folder without one must be empty.
 * Throws a ProjectError naming the ensemble and the setting; returns which folders exist.
 */
export function checkAgainstPlan(dir: string, ensembles: PlannedEnsemble[]): { ensemble: PlannedEnsemble; exists: boolean }[] {
  return ensembles.map((ensemble) => {
    const folder = join(dir, ensemble.name);
    const planned = validateSettings(ensemble.settings);
    if (existsSync(join(folder, 'project.json'))) {
      const stored = openProject(folder).settings;
      const diff = settingsDifference(stored, planned);
      if (diff) {
        throw new ProjectError(
          `ensemble ${ensemble.name}: ${folder}/project.json has ${diff.setting} = ${JSON.stringify(diff.stored)}, the plan has ${JSON.stringify(diff.planned)}; ` +
            `nothing was changed. Move that folder away (or use another directory) to reproduce with the plan's settings`,
        );
      }
      return { ensemble, exists: true };
    }
    if (existsSync(folder) && readdirSync(folder).length > 0) throw new ProjectError(`ensemble ${ensemble.name}: ${folder} exists, is not empty and holds no project.json; nothing was changed`);
    return { ensemble, exists: false };
  });
}

const tString = (t: number | 'inf') => (t === 'inf' ? '∞' : String(t));
const tNumber = (t: number | 'inf') => (t === 'inf' ? Infinity : t);

function row(dir: string, ensemble: PlannedEnsemble, summary: AnalysisSummary | undefined, estimateSeconds: number | null, wallSeconds: number, jobs: number): EnsembleRow {
  const folder = join(dir, ensemble.name);
  const { project, samples } = projectStatus(folder);
  const done = samples.filter((s) => s.state === 'done').length;
  const failed = samples.filter((s) => s.state === 'failed').length;
  return {
    name: ensemble.name,
    role: ensemble.role,
    taper: ensemble.taper,
    potential: ensemble.potential,
    temperature: ensemble.temperature,
    figure4: ensemble.figure4,
    settings: project.settings,
    samplesPlanned: project.settings.samples,
    samplesDone: done,
    samplesFailed: failed,
    s: summary ? { value: summary.s.value, low: summary.s.low, high: summary.s.high, level: summary.s.level, window: summary.s.window, points: summary.s.points, predictedTypeII: summary.tableOne.dos } : null,
    omega0: summary ? summary.omega0 : null,
    ratio: summary
      ? {
          lowest: summary.meanRatio.lowest.value,
          lowestError: summary.meanRatio.lowest.error,
          middle: summary.meanRatio.middle.value,
          middleError: summary.meanRatio.middle.error,
          highest: summary.meanRatio.highest.value,
          highestError: summary.meanRatio.highest.error,
        }
      : null,
    stressSlope: summary ? { value: summary.stressSlope.offDiagonal.value, error: summary.stressSlope.offDiagonal.error, window: summary.stressSlope.offDiagonal.window, predicted: summary.stressSlope.predicted } : null,
    energyPerParticle: summary ? { value: summary.energyPerParticle.value, error: summary.energyPerParticle.error } : null,
    needsFullSpectrum: summary?.needsFullSpectrum ?? [],
    unstableSamples: summary?.unstableSamples ?? [],
    estimateSeconds,
    wallSeconds,
    commands: [`glassmodes run ${folder} --jobs ${jobs}`, `glassmodes analyze ${folder}`],
  };
}

/** The figures the report asks for, from the ensembles at hand (kinds of figures/). */
export function figureJobs(dir: string, ensembles: PlannedEnsemble[]): FigureJob[] {
  const jobs: FigureJob[] = [];
  const figures = join(dir, 'figures');
  const byT = (a: PlannedEnsemble, b: PlannedEnsemble) => tNumber(b.temperature) - tNumber(a.temperature);
  const ladder = ensembles.filter((e) => e.role === 'ladder');
  const push = (file: string, kind: string, list: PlannedEnsemble[], caption: string) => {
    if (list.length) jobs.push({ file: join(figures, file), kind, ensembles: list.map((e) => e.name), dirs: list.map((e) => join(dir, e.name)), caption });
  };
  for (const [taper, label, panel] of [[2, '2', 'A'], ['inf', 'inf', 'B']] as const) {
    const series = ladder.filter((e) => e.taper === taper).sort(byT);
    push(`fig4${panel}-idos-m${label}.svg`, 'idos', series, `Fig. 4 ${panel}: integrated DOS F(ω), m = ${taper === 'inf' ? '∞' : 2}, one series per T* (∞ first), fitted ω^(s+1) and predicted slopes`);
    const ends = series.length > 1 ? [series[0], series[series.length - 1]] : series;
    push(`fig3-stress-m${label}.svg`, 'stress', ends, `Fig. 3: P(σ), m = ${taper === 'inf' ? '∞' : 2}, T* = ∞ and the lowest T*, with fitted and predicted low-σ slopes`);
    push(`pr-m${label}.svg`, 'pr', series, `participation ratio of the stored modes against ω, m = ${taper === 'inf' ? '∞' : 2}, one series per T*`);
  }
  const across = [...ladder].sort((a, b) => (a.taper === b.taper ? byT(a, b) : a.taper === 2 ? -1 : 1));
  const lj = ensembles.filter((e) => e.role === 'lj');
  push('s-vs-T.svg', 's-vs-temperature', [...across, ...lj], `s(T*) for m = 2 and m = ∞${lj.length ? ' (and tapered LJ at the lowest T*)' : ''} with the 95 % bootstrap intervals as error bars; s = 2 (type I) and the type-II s = 4 (m = 2), 3 (m = ∞)${lj.length ? ', 5 (LJ)' : ''} as lines; T* = ∞ at the tick ∞ after the axis break`);
  push('energy-vs-T.svg', 'energy-vs-temperature', across, 'E_IS/N(T*) for m = 2 and m = ∞, ± standard error over samples; T* = ∞ at the tick ∞ after the axis break');
  push('idos-lj.svg', 'idos', lj, 'integrated DOS F(ω) of the tapered LJ potential (m = 2) at the lowest T* (type-II prediction s = 5)');
  const full = ensembles.filter((e) => e.role === 'full-spectrum');
  const fig2 = full.length ? full : ladder.filter((e) => e.figure4 && e.settings.spectrum.method === 'full');
  for (const e of fig2) push(`fig2-level-ratio-${e.name}.svg`, 'level-ratio', [e], `Fig. 2: level-spacing ratios P(r) in the lowest, middle and highest windows, ${e.name}, against GOE and Poisson`);
  return jobs;
}

/** Figures issue 10 asks for that no figure kind draws yet (none since s(T*) and E_IS/N(T*) have theirs). */
const NO_FIGURE_KIND: string[] = [];

function crossCsv(rows: EnsembleRow[]): { name: string; text: string }[] {
  const ladder = rows.filter((r) => r.role !== 'full-spectrum' && r.s);
  const f = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? (x === Infinity ? 'inf' : '') : String(x));
  const sLines = ['ensemble,potential,taper,T*,samples,s,s_low95,s_high95,window_lo,window_hi,predicted_type_II'];
  const eLines = ['ensemble,potential,taper,T*,samples,E_IS_per_N,E_IS_per_N_error'];
  for (const r of ladder) {
    const head = `${r.name},${r.potential},${r.taper},${r.temperature},${r.samplesDone}`;
    sLines.push(`${head},${f(r.s!.value)},${f(r.s!.low)},${f(r.s!.high)},${f(r.s!.window[0])},${f(r.s!.window[1])},${f(r.s!.predictedTypeII)}`);
    eLines.push(`${head},${f(r.energyPerParticle!.value)},${f(r.energyPerParticle!.error)}`);
  }
  return [
    { name: 's_vs_T.csv', text: sLines.join('\n') + '\n' },
    { name: 'energy_vs_T.csv', text: eLines.join('\n') + '\n' },
  ];
}

function machine(): ReproduceReport['machine'] {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}`, node: process.version };
}

/** The table rows of report.md, one per ensemble (also what the CLI prints at the end). */
export function reportTable(rows: EnsembleRow[]): string[] {
  const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
  const lines = [
    '| ensemble | pot. | m | T* | samples | s | 95 % CI | fit window ω | type-II s | ⟨r̃⟩ lowest | P(σ) slope | predicted | E_IS/N |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const e = r.energyPerParticle;
    lines.push(
      `| ${r.name} | ${r.potential} | ${tString(r.taper)} | ${tString(r.temperature)} | ${r.samplesDone}/${r.samplesPlanned}${r.samplesFailed ? ` (${r.samplesFailed} failed)` : ''} | ${f(r.s?.value)} | ${r.s ? `[${f(r.s.low)}, ${f(r.s.high)}]` : '—'} | ${r.s ? `[${f(r.s.window[0], 3)}, ${f(r.s.window[1], 3)}]` : '—'} | ${f(r.s?.predictedTypeII, 0)} | ${r.ratio ? `${f(r.ratio.lowest, 3)} ± ${f(r.ratio.lowestError, 3)}` : '—'} | ${r.stressSlope ? `${f(r.stressSlope.value)} ± ${f(r.stressSlope.error)}` : '—'} | ${f(r.stressSlope?.predicted)} | ${e ? `${f(e.value, 5)} ± ${f(e.error, 5)}` : '—'} |`,
    );
  }
  return lines;
}

function reportMarkdown(report: ReproduceReport): string {
  const d = (s: number) => (s < 60 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);
  const m = report.machine;
  const lines = [
    `# glassmodes reproduce — ${report.scale} scale`,
    '',
    report.scale === 'paper' ? '' : `**${report.scale} scale: a check of the pipeline and of the report layout, not the paper-scale result.** Its chains are far too short to equilibrate the low rungs, and its samples too few to decide s.`,
    '',
    `Plan: ${report.plan}.`,
    `Ladder T* = ${report.ladder.join(', ')}: ${report.ladderNote}.`,
    '',
    `${report.complete ? 'Complete' : 'INCOMPLETE (some samples are not finished; run the same command again to continue)'}; glassmodes ${report.version}; ${report.date}.`,
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. Wall time of this invocation: ${d(report.wallSeconds)}.`,
    '',
    '```',
    report.command,
    '```',
    '',
    '## Measured',
    '',
    's: exponent of g(ω) ~ ω^s from F(ω) ~ ω^(s+1) on the automatic window below ω_0, with the 95 % bootstrap interval over samples. Type-I s = 2; type-II s = 3 + 2/m (IPL), 5 for LJ (Table 1).',
    '⟨r̃⟩ of the lowest window: GOE 0.5307, Poisson 0.3863. P(σ) slope: off-diagonal local stresses, predicted −1/2 (m = 2), −1 (m = ∞).',
    '',
    ...reportTable(report.ensembles),
    '',
  ];
  const ratioRows = report.ensembles.filter((r) => r.ratio && r.role === 'full-spectrum');
  if (ratioRows.length) {
    lines.push('⟨r̃⟩ in the three windows (full-spectrum ensembles, Fig. 2):', '', '| ensemble | lowest | middle | highest |', '| --- | --- | --- | --- |');
    const f = (x: number, e: number) => (Number.isFinite(x) ? `${x.toFixed(3)} ± ${e.toFixed(3)}` : '—');
    for (const r of ratioRows) lines.push(`| ${r.name} | ${f(r.ratio!.lowest, r.ratio!.lowestError)} | ${f(r.ratio!.middle, r.ratio!.middleError)} | ${f(r.ratio!.highest, r.ratio!.highestError)} |`);
    lines.push('');
  }
  const notes = report.ensembles.flatMap((r) => [...r.needsFullSpectrum.map((n) => `${r.name}: ${n}`), ...(r.unstableSamples.length ? [`${r.name}: unstable samples ${r.unstableSamples.join(', ')}`] : [])]);
  if (notes.length) lines.push('Notes from the analyses:', '', ...notes.map((n) => `- ${n}`), '');
  lines.push('## Figures', '');
  for (const fig of report.figures) lines.push(`- ${fig.drawn ? `[figures/${fig.file}](figures/${fig.file})` : `figures/${fig.file} — NOT DRAWN: ${fig.note}`} (${fig.kind}: ${fig.ensembles.join(', ')}) — ${fig.caption}`);
  lines.push('', 'Each figure comes as .svg, .png and .csv (the CSV holds exactly what its axes show: x = T* = ∞ is written inf) when the renderer wrote them.', '');
  if (report.missingFigures.length) lines.push('Requested but not drawn, because no such figure kind exists:', '', ...report.missingFigures.map((n) => `- ${n}`), '');
  lines.push('Data across ensembles: ' + report.csv.join(', ') + '. Every ensemble folder holds analysis/summary.json and analysis/*.csv.', '');
  lines.push('## Commands per ensemble', '', '| ensemble | MC estimate | wall (this invocation) | commands |', '| --- | --- | --- | --- |');
  for (const r of report.ensembles) lines.push(`| ${r.name} | ${r.estimateSeconds === null ? '—' : d(r.estimateSeconds)} | ${d(r.wallSeconds)} | \`${r.commands.join('` ; `')}\` |`);
  lines.push('');
  return lines.join('\n');
}

/** Runs the plan in `dir` (see the module comment). Returns the report (also written to disk). */
export async function runReproduction(dirInput: string, plan: ReproducePlan, options: ReproduceOptions = {}): Promise<ReproduceReport> {
  const t0 = performance.now();
  const dir = resolve(dirInput);
  const log = options.log ?? (() => {});
  const jobs = Math.max(1, options.jobs ?? 1);
  const selected = selectEnsembles(plan, options.only);
  mkdirSync(dir, { recursive: true });
  const checked = checkAgainstPlan(dir, selected); // refuses before anything is written
  for (const { ensemble, exists } of checked) {
    if (!exists) createProject(join(dir, ensemble.name), ensemble.settings, { name: ensemble.name, createdBy: `reproduce --scale ${plan.scale}` });
  }

  // The estimate, before anything runs: this machine's Monte Carlo rate per ensemble.
  const estimates = new Map<string, number | null>();
  if (options.estimate !== false) {
    log(`estimating the Monte Carlo time (this machine's rate, per ensemble, --jobs ${jobs})…`);
    let total = 0;
    // A throwaway first measurement, so that the hot loop is compiled before any rate counts.
    const warm = checked.map((c) => validateSettings(c.ensemble.settings)).find((s) => s.sampling.parentTemperature !== 'inf');
    if (warm) estimateMonteCarlo(warm, 0.2);
    for (const { ensemble } of checked) {
      const folder = join(dir, ensemble.name);
      const { project, samples } = projectStatus(folder);
      const pending = samples.filter((s) => s.state !== 'done' && s.state !== 'failed').length;
      const estimate = pending > 0 ? estimateMonteCarlo(project.settings, 0.2) : undefined;
      const seconds = estimate ? estimate.wallSeconds(jobs) * (pending / project.settings.samples) : null;
      estimates.set(ensemble.name, seconds);
      if (seconds !== null) total += seconds;
      log(`  ${ensemble.name.padEnd(18)} ${String(pending).padStart(4)} pending  MC ≈ ${seconds === null ? (pending ? 'none (T* = ∞)' : '—') : `${seconds.toFixed(0)} s`}`);
    }
    log(`  Monte Carlo in all ≈ ${total.toFixed(0)} s wall (quench, spectra and analysis come on top)`);
  }

  const rows: EnsembleRow[] = [];
  let cancelled = false;
  for (const { ensemble } of checked) {
    const folder = join(dir, ensemble.name);
    const t1 = performance.now();
    log(`${ensemble.name}: T* = ${tString(ensemble.temperature)}, m = ${tString(ensemble.taper)}, ${ensemble.potential}`);
    const run = await runProject(folder, { jobs, signal: options.signal, onEvent: (event) => options.onEvent?.(ensemble.name, event) });
    if (run.cancelled || options.signal?.aborted) {
      cancelled = true;
      break;
    }
    for (const f of run.failed) log(`  ${f.id} failed: ${f.error}`);
    let summary: AnalysisSummary | undefined;
    const done = projectStatus(folder).samples.some((s) => s.state === 'done');
    if (done) summary = analyzeProjectFolder(folder, {}, (line) => log('  ' + line)).summary;
    else log(`  no finished sample: not analysed`);
    rows.push(row(dir, ensemble, summary, estimates.get(ensemble.name) ?? null, (performance.now() - t1) / 1000, jobs));
  }
  if (cancelled) throw new ProjectError('reproduce was cancelled; the files on disk stay, run the same command again to continue');

  // Figures and cross-ensemble data.
  const analysed = new Set(rows.filter((r) => r.s).map((r) => r.name));
  const figures: ReproduceReport['figures'] = [];
  const jobsList = figureJobs(dir, selected.filter((e) => analysed.has(e.name)));
  if (jobsList.length) mkdirSync(join(dir, 'figures'), { recursive: true });
  for (const job of jobsList) {
    const entry = { file: job.file.slice(join(dir, 'figures').length + 1), kind: job.kind, ensembles: job.ensembles, caption: job.caption, drawn: false } as ReproduceReport['figures'][number];
    if (!options.drawFigure) entry.note = 'no figure renderer was given to this run';
    else {
      try {
        const notes = await options.drawFigure(job);
        entry.drawn = existsSync(job.file);
        if (!entry.drawn) entry.note = 'the renderer wrote no file';
        else if (notes.length) entry.note = notes.join('; ');
      } catch (error) {
        entry.note = (error as Error).message;
      }
    }
    log(`figure ${entry.file}: ${entry.drawn ? 'drawn' : `not drawn (${entry.note})`}`);
    figures.push(entry);
  }
  const csv = crossCsv(rows);
  for (const c of csv) writeFileAtomic(join(dir, c.name), c.text);

  const report: ReproduceReport = {
    format: 'glassmodes-reproduce-report',
    version: APP_VERSION,
    scale: plan.scale,
    plan: plan.description,
    ladder: plan.ladder,
    ladderNote: plan.ladderNote,
    complete: rows.every((r) => r.samplesDone + r.samplesFailed === r.samplesPlanned) && rows.length === plan.ensembles.length,
    ensembles: rows,
    figures,
    missingFigures: NO_FIGURE_KIND,
    csv: csv.map((c) => c.name),
    machine: machine(),
    command: options.command ?? `glassmodes reproduce ${dir} --scale ${plan.scale} --jobs ${jobs}${options.only?.length ? ` --only ${options.only.join(',')}` : ''}`,
    wallSeconds: (performance.now() - t0) / 1000,
    date: new Date().toISOString(),
  };
  writeJsonAtomic(join(dir, 'report.json'), report);
  writeFileAtomic(join(dir, 'report.md'), reportMarkdown(report));
  return report;
}
