/**
 * `glassmodes reproduce <dir> [--scale quick|paper] [--jobs n] [--only a,b]`: the paper's Figs. 2–4
 * (issue 10): one project folder per ensemble of the plan (engine/pipeline/reproducePlan.ts) inside
 * <dir>, run as far as pending, analysed, then <dir>/report.md, report.json, CSVs and
 * figures/*.svg drawn by the app's figure code. Resumable: run the same command again.
 * `--scale tiny` (not advertised) is the tests' two-ensemble 2D plan.
 */
import { resolve } from 'node:path';
import { analysisData } from '../../engine/io/results';
import { writeFileAtomic } from '../../engine/io/files';
import { ProjectError } from '../../engine/io/project';
import { runReproduction, reportTable, type DrawFigure } from '../../engine/io/reproduceRun';
import { reproducePlan, tinyPlan, type ReproducePlan } from '../../engine/pipeline/reproducePlan';
import { buildFigure } from '../../figures/build';
import { FigureDataError, isFigureKind } from '../../figures/model';
import { figureCsv } from '../../figures/figureTable';
import { DPI_RANGE } from '../../figures/png';
import { jobsOption, parse, UsageError } from '../args';
import { createProgressReporter, formatDuration } from '../progress';

export const REPRODUCE_USAGE = 'glassmodes reproduce <dir> [--scale quick|paper] [--jobs <n>] [--only <ensemble,…>] [--no-estimate]';

/** Draws a figure of analysed project folders with the app's figure code (as `glassmodes figure`): <file>.svg, and beside it <file>.png (default dpi) and <file>.csv (figureCsv: what the axes show). */
export const drawWithAppFigures: DrawFigure = async (job) => {
  if (!isFigureKind(job.kind)) throw new FigureDataError(`unknown figure kind '${job.kind}'`);
  const projects = job.dirs.map((dir) => {
    const data = analysisData(dir);
    if (!data) throw new ProjectError(`${dir} has not been analysed`);
    return data;
  });
  const model = buildFigure({ kind: job.kind, projects });
  const { renderFigureSvg, rasteriseFigure } = await import('../../figures/headless');
  const svg = await renderFigureSvg(model);
  const stem = job.file.replace(/\.svg$/, '');
  // The data and the PNG first, the SVG last: the SVG on disk is what marks the figure drawn.
  writeFileAtomic(`${stem}.csv`, figureCsv(model));
  writeFileAtomic(`${stem}.png`, await rasteriseFigure(svg, model, DPI_RANGE.default));
  writeFileAtomic(job.file, svg);
  return model.notes;
};

export async function reproduceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { scale: { type: 'string' }, jobs: { type: 'string' }, only: { type: 'string' }, 'no-estimate': { type: 'boolean' } }, REPRODUCE_USAGE);
  if (positionals.length !== 1) throw new UsageError(`reproduce takes one directory\nusage: ${REPRODUCE_USAGE}`);
  const scale = values.scale ?? 'quick';
  let plan: ReproducePlan;
  if (scale === 'tiny') plan = tinyPlan();
  else if (scale === 'quick' || scale === 'paper') plan = reproducePlan(scale);
  else throw new UsageError(`--scale must be quick or paper, got '${scale}'`);
  const jobs = jobsOption(values.jobs);
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const dir = resolve(positionals[0]);
  const command = ['glassmodes', 'reproduce', positionals[0], ...args.filter((a) => a !== positionals[0])].join(' ');
  const err = (line: string) => process.stderr.write(line + '\n');
  err(`glassmodes reproduce → ${dir} (${plan.scale} scale; T* ladder ${plan.ladder.join(', ')}: ${plan.ladderNote})`);
  err(`  ${plan.description}`);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const reporters = new Map<string, ReturnType<typeof createProgressReporter>>();
  try {
    const report = await runReproduction(dir, plan, {
      jobs,
      only,
      signal: abort.signal,
      estimate: !values['no-estimate'],
      log: err,
      command,
      drawFigure: drawWithAppFigures,
      onEvent: (name, event) => {
        let reporter = reporters.get(name);
        if (!reporter) {
          for (const r of reporters.values()) r.finish();
          reporters.clear();
          reporter = createProgressReporter();
          reporters.set(name, reporter);
        }
        reporter.onEvent(event);
      },
    });
    for (const r of reporters.values()) r.finish();
    console.log(`${plan.scale} scale, ${report.complete ? 'complete' : 'incomplete'}, ${formatDuration(report.wallSeconds)} on ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}`);
    for (const line of reportTable(report.ensembles)) console.log(line);
    console.log(`report: ${dir}/report.md, ${dir}/report.json; figures: ${report.figures.filter((f) => f.drawn).length} of ${report.figures.length} drawn in ${dir}/figures`);
    return report.complete || only ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
