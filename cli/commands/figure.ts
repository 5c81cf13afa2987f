/**
 * `glassmodes figure`: one figure of a project's analysis/ (or of the HET theory) as SVG or PNG,
 * drawn by the app's own figure component (figures/) under happy-dom, so that the CLI
 * and the app draw one figure one way. Nothing is written unless the whole figure was made.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { analysisData, sampleSpectrum, type AnalysisData } from '../../engine/io/results';
import { writeFileAtomic } from '../../engine/io/files';
import { ProjectError, projectStatus } from '../../engine/io/project';
import { buildFigure, DEFAULT_THEORY } from '../../figures/build';
import { FigureDataError, FIGURE_KINDS, figureKinds, figureSize, isFigureKind, THEORY_ONLY_KINDS, type FigureKind } from '../../figures/model';
import { checkDpi, DPI_RANGE, pngPixelSize } from '../../figures/png';
import { checkAnalysisOptions } from '../../engine/analysis/ensemble';
import { numberOption, parse, UsageError } from '../args';
import { checkOutputFile } from '../output';

export const FIGURE_USAGE =
  'glassmodes figure <dir> <kind> --out <file.svg|file.png> [--dpi <72-600>] [--overlay <dir2>]… [--sample <id>] [--zeta <ζ>] [--gamma <γ> --bulk <K/G0> [--box <L k_xi>]] [--force]';

function kindList(): string {
  return figureKinds.map((k) => `  ${k.padEnd(12)} ${FIGURE_KINDS[k]}`).join('\n');
}

/** A project's analysis/, or the refusal that says how to make it. */
function loadAnalysis(dir: string): AnalysisData {
  if (!existsSync(dir)) throw new ProjectError(`${dir} does not exist`);
  projectStatus(dir); // refuses a folder that is not a glassmodes project, in the project's words
  const data = analysisData(dir);
  if (!data) throw new ProjectError(`${dir} has not been analysed (no analysis/summary.json): run glassmodes analyze ${dir} first`);
  return data;
}

export async function figureCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      out: { type: 'string' },
      dpi: { type: 'string' },
      overlay: { type: 'string', multiple: true },
      sample: { type: 'string' },
      zeta: { type: 'string' },
      gamma: { type: 'string' },
      bulk: { type: 'string' },
      box: { type: 'string' },
      quiet: { type: 'boolean' },
      force: { type: 'boolean' },
    },
    FIGURE_USAGE,
  );
  // `figure het …` needs no project; every other kind takes <dir> <kind>.
  const [first, second] = positionals;
  const kindText = positionals.length === 1 ? first : second;
  if (positionals.length < 1 || positionals.length > 2 || kindText === undefined) throw new UsageError(`figure takes a project folder and a kind\nusage: ${FIGURE_USAGE}\nkinds:\n${kindList()}`);
  if (!isFigureKind(kindText)) throw new UsageError(`unknown figure kind '${kindText}'; the kinds are:\n${kindList()}`);
  const kind: FigureKind = kindText;
  const dir = positionals.length === 2 ? first : undefined;
  const theoryOnly = THEORY_ONLY_KINDS.includes(kind);
  if (!dir && !theoryOnly) throw new UsageError(`the ${kind} figure needs a project folder: glassmodes figure <dir> ${kind} --out <file>`);

  const out = values.out;
  if (!out) throw new UsageError(`figure needs --out <file.svg|file.png>\nusage: ${FIGURE_USAGE}`);
  const format = extname(out).toLowerCase();
  if (format !== '.svg' && format !== '.png') throw new UsageError(`--out must end in .svg or .png, got '${out}'`);
  const dpiValue = numberOption(values.dpi, 'dpi');
  const dpi = dpiValue ?? DPI_RANGE.default;
  try {
    checkDpi(dpi);
  } catch (error) {
    throw new UsageError(`--dpi: ${(error as Error).message}`);
  }
  checkOutputFile(out, values.force);
  if (format === '.svg' && dpiValue !== undefined) console.error(`note: --dpi applies to PNG only; ${out} is an SVG (vector) file`);

  const theory = {
    gamma: numberOption(values.gamma, 'gamma') ?? DEFAULT_THEORY.gamma,
    bulk: numberOption(values.bulk, 'bulk') ?? DEFAULT_THEORY.bulk,
    box: numberOption(values.box, 'box') ?? null,
  };
  const zeta = numberOption(values.zeta, 'zeta');
  try {
    checkAnalysisOptions({ zeta });
  } catch (error) {
    throw new UsageError(`--zeta: ${(error as Error).message}`);
  }
  if (!(theory.gamma >= 0)) throw new UsageError(`--gamma must be ≥ 0, got ${theory.gamma}`);
  if (!(theory.bulk > 0)) throw new UsageError(`--bulk (K/G0) must be positive, got ${theory.bulk}`);
  if (theory.box !== null && !(theory.box > 0)) throw new UsageError(`--box must be positive, got ${theory.box}`);
  const log = values.quiet ? () => {} : (line: string) => console.error(line);

  if (theoryOnly && (values.overlay?.length || dir)) log(`note: the ${kind} figure is drawn from the theory alone; the project folders are not read`);
  const projects = theoryOnly ? [] : [dir!, ...(values.overlay ?? [])].map(loadAnalysis);
  let sample;
  if (kind === 'sample-modes') {
    const id = values.sample ?? projectStatus(dir!).samples.find((s) => s.state === 'done')?.id;
    if (!id) throw new ProjectError(`${dir} has no finished sample to draw`);
    sample = sampleSpectrum(dir!, id);
  }

  log(`drawing ${kind}${projects.length ? ` of ${projects.map((p) => p.name).join(', ')}` : ''}…`);
  let model;
  try {
    model = buildFigure({ kind, projects, sample, theory, zeta });
  } catch (error) {
    if (error instanceof FigureDataError) throw new ProjectError(error.message);
    throw error;
  }
  for (const note of model.notes) log(`note: ${note}`);
  const { renderFigureSvg, rasteriseFigure } = await import('../../figures/headless');
  const svg = await renderFigureSvg(model);
  if (format === '.svg') {
    writeFileAtomic(out, svg);
    const size = figureSize(model);
    log(`wrote ${out} (${size.width}×${size.height} px at 96 px/in, font embedded)`);
  } else {
    const png = await rasteriseFigure(svg, model, dpi);
    writeFileAtomic(out, png);
    const px = pngPixelSize(figureSize(model), dpi);
    log(`wrote ${out} (${px.width}×${px.height} pixels at ${dpi} dpi)`);
  }
  return 0;
}
