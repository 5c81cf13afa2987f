// `glassmodes figure`: every figure kind drawn from a real (small) analysed project by the app's own
// figure component, read back as SVG: it is well-formed XML, it holds one mark per plottable row of
// the series the engine wrote, and its pixels map back to the data through its own axes. PNGs have
// the pixel size and resolution the --dpi implies; refusals write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { Resvg } from '@resvg/resvg-js';
import { readAnalysis } from '../engine/io/analysisFiles';
import { readNpy } from '../engine/io/files';
import type { Series } from '../engine/series';
import { atasSurmise } from '../engine/analysis/levelSpacing';
import { bosonPeak, criticalDisorder, finiteBoxGap } from '../engine/theory/het';
import { buildFigure } from '../figures/build';
import { figureCsv } from '../figures/figureTable';
import { figureKinds } from '../figures/model';
import { pngDimensions, pngDpi, pngPixelSize } from '../figures/png';
import { figureFontPath } from '../figures/headless';
import { analysisData } from '../engine/io/results';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-figure-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI in a child process (asynchronous, so that two can run at once on two cores). */
function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function ok(args: string[]): Promise<Run> {
  const r = await cli(args);
  if (r.status !== 0) throw new Error(`glassmodes ${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r;
}

const glass = join(scratch, 'glass-m2');
const other = join(scratch, 'glass-minf');
const svgs = new Map<string, string>();

beforeAll(async () => {
  await Promise.all([
    ok(['new', glass, '--dim', '2', '--particles', '100', '--taper', '2', '--parent-temperature', 'inf', '--samples', '2', '--seed', '11']),
    ok(['new', other, '--dim', '2', '--particles', '100', '--taper', 'inf', '--parent-temperature', 'inf', '--samples', '2', '--seed', '12']),
  ]);
  await Promise.all([ok(['run', glass, '--jobs', '1']), ok(['run', other, '--jobs', '1'])]);
  await Promise.all([ok(['analyze', glass, '--quiet']), ok(['analyze', other, '--quiet'])]);
  // Every kind through the CLI, two at a time.
  const jobs: [string, string[]][] = figureKinds.map((kind) => [kind, ['figure', ...(kind === 'het' || kind === 'boson-peak' ? [] : [glass]), kind, '--out', join(scratch, `${kind}.svg`), '--quiet']]);
  jobs.push(['het-box', ['figure', 'het', '--gamma', '0.15', '--bulk', '3', '--box', '25', '--out', join(scratch, 'het-box.svg'), '--quiet']]);
  jobs.push(['dos-overlay', ['figure', glass, 'dos', '--overlay', other, '--out', join(scratch, 'dos-overlay.svg'), '--quiet']]);
  for (let k = 0; k < jobs.length; k += 2) {
    await Promise.all(jobs.slice(k, k + 2).map(async ([name, args]) => {
      await ok(args);
      svgs.set(name, readFileSync(join(scratch, `${name}.svg`), 'utf8'));
    }));
  }
}, 600_000);

// ---- reading an SVG back ----------------------------------------------------------------------

const window = new Window();

function parseSvg(text: string): Document {
  // Strict XML first: resvg's parser refuses anything that is not well-formed.
  expect(() => new Resvg(text)).not.toThrow();
  const doc = new window.DOMParser().parseFromString(text, 'image/svg+xml') as unknown as Document;
  expect(doc.querySelector('parsererror')).toBeNull();
  return doc;
}

/** A panel's axis as a map from pixels to data, from two of its own tick labels. */
function axisOf(panel: Element, axis: 'x' | 'y', log: boolean): (pixel: number) => number {
  const ticks = Array.from(panel.querySelectorAll(`text.gm-tick[data-axis="${axis}"]`)).map((t) => ({ value: Number(t.getAttribute('data-tick-value')), at: Number(t.getAttribute(axis)) }));
  expect(ticks.length).toBeGreaterThanOrEqual(2);
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  const f = (v: number) => (log ? Math.log10(v) : v);
  return (pixel) => {
    const t = f(a.value) + ((pixel - a.at) * (f(b.value) - f(a.value))) / (b.at - a.at);
    return log ? 10 ** t : t;
  };
}

function panelOf(doc: Document, id: string): Element {
  const panel = doc.querySelector(`svg[data-panel-id="${id}"]`);
  expect(panel, `panel ${id}`).not.toBeNull();
  return panel!;
}

function circles(panel: Element, trace: string): { cx: number; cy: number; mode: string | null }[] {
  return Array.from(panel.querySelectorAll(`circle.gm-point[data-trace="${trace}"]`)).map((c) => ({ cx: Number(c.getAttribute('cx')), cy: Number(c.getAttribute('cy')), mode: c.getAttribute('data-mode-index') }));
}

/** The vertices of a trace's line (recharts draws a linear curve as M x,y L x,y …). */
function vertices(panel: Element, trace: string): { x: number; y: number }[] {
  const path = panel.querySelector(`.gm-trace--${trace} path.recharts-curve`);
  expect(path, `line of ${trace}`).not.toBeNull();
  return [...path!.getAttribute('d')!.matchAll(/[ML]\s*(-?[\d.]+(?:e[-+]?\d+)?)[,\s]\s*(-?[\d.]+(?:e[-+]?\d+)?)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
}

function seriesOf(dir: string, name: string): Series {
  const found = readAnalysis(dir)!.series.find((s) => s.name === name);
  expect(found, `${name}.csv`).toBeDefined();
  return found!;
}

function col(series: Series, name: string): number[] {
  return Array.from(series.data[series.columns.findIndex((c) => c.name === name)]);
}

/** Rows whose x and y can be drawn on axes of these scales. */
function drawable(x: number[], y: number[], xLog: boolean, yLog: boolean): number[] {
  return x.map((_, k) => k).filter((k) => Number.isFinite(x[k]) && Number.isFinite(y[k]) && (!xLog || x[k] > 0) && (!yLog || y[k] > 0));
}

const close = (a: number, b: number, rel = 1e-6) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(b), 1e-300));

// ---- the figures --------------------------------------------------------------------------------

describe('glassmodes figure draws what analysis/ holds', () => {
  it('writes a standalone SVG for every kind: xmlns, white background, the bundled font embedded, no CSS left', () => {
    const ttf = readFileSync(figureFontPath).toString('base64');
    for (const kind of [...figureKinds, 'het-box']) {
      const text = svgs.get(kind)!;
      expect(text, kind).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(text).toContain(`data:font/ttf;base64,${ttf}`);
      expect(text).not.toMatch(/ style="/);
      const doc = parseSvg(text);
      const root = doc.documentElement;
      expect(root.getAttribute('font-family')).toContain('DejaVu Sans');
      expect(root.querySelector('rect.gm-background')!.getAttribute('fill')).toBe('#ffffff');
      expect(root.querySelectorAll('svg.gm-panel').length).toBeGreaterThanOrEqual(1);
      // It says how it was made: the glassmodes version, and for data figures the analysis it drew.
      const desc = root.querySelector('desc')!.textContent!;
      expect(desc, kind).toMatch(/drawn by glassmodes \d+\.\d+\.\d+/);
      if (!['het', 'het-box', 'boson-peak'].includes(kind)) expect(desc, kind).toMatch(/data: .*glassmodes \d+\.\d+\.\d+ analyze, \d{4}-\d\d-\d\dT/);
    }
  });

  it('dos: one point per bin of dos_linear, each at its (ω, g) through the axes, ω_0 marked', () => {
    const s = seriesOf(glass, 'dos_linear');
    const [omega, g] = [col(s, 'omega'), col(s, 'g')];
    const rows = drawable(omega, g, false, false);
    const panel = panelOf(parseSvg(svgs.get('dos')!), 'dos');
    const points = circles(panel, 'dos-0');
    expect(points.length).toBe(rows.length);
    const x = axisOf(panel, 'x', false);
    const y = axisOf(panel, 'y', false);
    for (const k of [0, Math.floor(rows.length / 2), rows.length - 1]) {
      close(x(points[k].cx), omega[rows[k]]);
      expect(Math.abs(y(points[k].cy) - g[rows[k]])).toBeLessThan(1e-9);
    }
    // Error bars: one per point.
    expect(panel.querySelectorAll('.recharts-errorBar').length).toBe(rows.length);
    const marker = panel.querySelector('line.recharts-reference-line-line')!;
    close(x(Number(marker.getAttribute('x1'))), readAnalysis(glass)!.summary.omega0);
    expect(panel.getAttribute('data-panel-id')).toBe('dos');
    expect(panel.querySelector('text.gm-axis-title[data-axis="x"]')!.textContent).toBe('ω [√(ε/m)/a]');
    expect(panel.querySelector('text.gm-axis-title[data-axis="y"]')!.textContent).toBe('g(ω) [a·√(m/ε)]');
  });

  it('dos --overlay: one colour and one legend entry per project', () => {
    const panel = panelOf(parseSvg(svgs.get('dos-overlay')!), 'dos');
    const [first, second] = [circles(panel, 'dos-0'), circles(panel, 'dos-1')];
    expect(first.length).toBe(drawable(col(seriesOf(glass, 'dos_linear'), 'omega'), col(seriesOf(glass, 'dos_linear'), 'g'), false, false).length);
    expect(second.length).toBe(drawable(col(seriesOf(other, 'dos_linear'), 'omega'), col(seriesOf(other, 'dos_linear'), 'g'), false, false).length);
    const fill = (t: string) => panel.querySelector(`circle[data-trace="${t}"]`)!.getAttribute('fill');
    expect(fill('dos-0')).not.toBe(fill('dos-1'));
    const legend = Array.from(panel.querySelectorAll('.gm-legend text')).map((t) => t.textContent);
    expect(legend).toContain('glass-m2');
    expect(legend).toContain('glass-minf');
  });

  it('reduced-dos: one point per positive-ω bin of dos_log (g_reduced) on a log ω axis', () => {
    const s = seriesOf(glass, 'dos_log');
    const [omega, gr] = [col(s, 'omega'), col(s, 'g_reduced')];
    const rows = drawable(omega, gr, true, false);
    const panel = panelOf(parseSvg(svgs.get('reduced-dos')!), 'reduced-dos');
    const points = circles(panel, 'reduced-dos-0');
    expect(points.length).toBe(rows.length);
    const x = axisOf(panel, 'x', true);
    close(x(points[3].cx), omega[rows[3]]);
    expect(panel.querySelector('text.gm-axis-title[data-axis="y"]')!.textContent).toBe('g(ω)/ω [a²·(m/ε)]');
  });

  it('idos: F(ω) has a vertex per pooled frequency, and the fitted line has slope s + 1 of summary.s', () => {
    const s = seriesOf(glass, 'integrated_dos');
    const [omega, F] = [col(s, 'omega'), col(s, 'F')];
    const rows = drawable(omega, F, true, true);
    const panel = panelOf(parseSvg(svgs.get('idos')!), 'idos');
    const line = vertices(panel, 'idos-0');
    expect(line.length).toBe(rows.length);
    const x = axisOf(panel, 'x', true);
    const y = axisOf(panel, 'y', true);
    close(x(line[5].x), omega[rows[5]], 1e-6);
    close(y(line[5].y), F[rows[5]], 1e-6);
    const summary = readAnalysis(glass)!.summary;
    const fit = vertices(panel, 'idos-fit-0').map((v) => ({ x: x(v.x), y: y(v.y) }));
    expect(fit.length).toBe(2);
    close(fit[0].x, summary.s.window[0]);
    close(fit[1].x, summary.s.window[1]);
    close(Math.log(fit[1].y / fit[0].y) / Math.log(fit[1].x / fit[0].x) - 1, summary.s.value, 1e-6);
    // Predicted slopes: ω³ (type I) and ω^(4+2/m) = ω⁵ for m = 2 (Table 1).
    const slope = (id: string) => {
      const v = vertices(panel, id).map((p) => ({ x: x(p.x), y: y(p.y) }));
      return Math.log(v[1].y / v[0].y) / Math.log(v[1].x / v[0].x);
    };
    close(slope('idos-prediction-0'), 3, 1e-6);
    close(slope('idos-prediction-1'), summary.tableOne.integratedDos, 1e-6);
    expect(summary.tableOne.integratedDos).toBe(5);
  });

  it('pr: one point per stored non-zero mode (modes.csv)', () => {
    const s = seriesOf(glass, 'modes');
    const rows = drawable(col(s, 'omega'), col(s, 'participation_ratio'), false, true);
    expect(rows.length).toBe(2 * (2 * 100 - 2));
    const panel = panelOf(parseSvg(svgs.get('pr')!), 'pr');
    const points = circles(panel, 'pr-0');
    expect(points.length).toBe(rows.length);
    const y = axisOf(panel, 'y', true);
    close(y(points[10].cy), col(s, 'participation_ratio')[rows[10]], 1e-6);
  });

  it('sample-modes: every non-zero mode of s0000, each point carrying its mode index', () => {
    const panel = panelOf(parseSvg(svgs.get('sample-modes')!), 'sample-modes');
    const points = circles(panel, 'sample-modes-stored');
    expect(points.length).toBe(2 * 100 - 2);
    const modes = points.map((p) => Number(p.mode));
    expect(Math.min(...modes)).toBe(2);
    expect(Math.max(...modes)).toBe(199);
    const lambda = readNpy(join(glass, 'samples/s0000/eigenvalues.npy')).data;
    const x = axisOf(panel, 'x', false);
    const mode50 = points.find((p) => p.mode === '50')!;
    close(x(mode50.cx), Math.sqrt(lambda[50]), 1e-6);
  });

  it('level-ratio: three windows, one point per histogram bin, the GOE surmise through the axes, ⟨r̃⟩ in the legend', () => {
    const doc = parseSvg(svgs.get('level-ratio')!);
    const summary = readAnalysis(glass)!.summary;
    for (const window of ['lowest', 'middle', 'highest'] as const) {
      const s = seriesOf(glass, `level_ratio_${window}`);
      const panel = panelOf(doc, `level-ratio-${window}`);
      expect(circles(panel, `level-ratio-${window}-0`).length).toBe(drawable(col(s, 'r'), col(s, 'P'), false, false).length);
      const x = axisOf(panel, 'x', false);
      const y = axisOf(panel, 'y', false);
      const goe = vertices(panel, `level-ratio-${window}-goe`);
      expect(goe.length).toBe(161);
      const v = goe[40];
      expect(Math.abs(y(v.y) - atasSurmise(x(v.x)))).toBeLessThan(1e-6);
      const legend = Array.from(panel.querySelectorAll('.gm-legend text')).map((t) => t.textContent).join('\n');
      expect(legend).toContain(`⟨r̃⟩ = ${Number(summary.meanRatio[window].value.toPrecision(3))}`);
      expect(legend).toMatch(/GOE.*0\.531/);
      expect(legend).toMatch(/Poisson.*0\.386/);
    }
  });

  it('stress: one point per non-empty bin of the resolved range (12 decades below the largest σ), the binning stated, and the predicted slope −1 + 1/m through the axes', () => {
    const doc = parseSvg(svgs.get('stress')!);
    const summary = readAnalysis(glass)!.summary;
    for (const name of ['stress_offdiagonal', 'stress_radial']) {
      const s = seriesOf(glass, name);
      const panel = panelOf(doc, name);
      const sigma = col(s, 'sigma');
      const shown = drawable(sigma, col(s, 'P'), true, true);
      const floor = Math.max(...shown.map((k) => sigma[k])) * 1e-12;
      expect(circles(panel, `${name}-0`).length).toBe(shown.filter((k) => sigma[k] >= floor).length);
      const x = axisOf(panel, 'x', true);
      const y = axisOf(panel, 'y', true);
      const v = vertices(panel, `${name}-prediction-0`).map((p) => ({ x: x(p.x), y: y(p.y) }));
      close(Math.log(v[1].y / v[0].y) / Math.log(v[1].x / v[0].x), summary.stressSlope.predicted, 1e-6);
      expect(summary.stressSlope.predicted).toBe(-0.5);
    }
  });

  it('ghet: the measured DOS points and the type-II curve of ghet_type2', () => {
    const panel = panelOf(parseSvg(svgs.get('ghet')!), 'ghet');
    const dos = seriesOf(glass, 'dos_log');
    expect(circles(panel, 'ghet-dos-0').length).toBe(drawable(col(dos, 'omega'), col(dos, 'g'), true, true).length);
    const curve = seriesOf(glass, 'ghet_type2');
    const x = axisOf(panel, 'x', true);
    const y = axisOf(panel, 'y', true);
    const v = vertices(panel, 'ghet-curve-0');
    expect(v.length).toBeGreaterThan(2);
    // A vertex of the drawn curve is a row of ghet_type2.
    const at = { omega: x(v[1].x), g: y(v[1].y) };
    const omegas = col(curve, 'omega');
    const k = omegas.reduce((best, w, j) => (Math.abs(w - at.omega) < Math.abs(omegas[best] - at.omega) ? j : best), 0);
    close(at.g, col(curve, 'g')[k], 1e-6);
  });

  it('het: 400 frequencies of HET-SCBA, the boson peak marked where bosonPeak puts it; the finite box marks the gap', () => {
    const doc = parseSvg(svgs.get('het')!);
    const panel = panelOf(doc, 'het-reduced');
    expect(vertices(panel, 'het-reduced').length).toBe(400);
    const x = axisOf(panel, 'x', false);
    const marker = panel.querySelector('line.recharts-reference-line-line')!;
    close(x(Number(marker.getAttribute('x1'))), bosonPeak({ gamma: 0.1, bulk: 3 })!.omega, 1e-6);
    expect(doc.querySelector('desc')!.textContent).toContain(`γ_c = ${Number(criticalDisorder(3).toPrecision(5))}`);

    const box = panelOf(parseSvg(svgs.get('het-box')!), 'het-g');
    const bx = axisOf(box, 'x', false);
    const lines = Array.from(box.querySelectorAll('line.recharts-reference-line-line')).map((l) => bx(Number(l.getAttribute('x1'))));
    const gap = finiteBoxGap({ gamma: 0.15, bulk: 3, box: 25 });
    expect(gap.omegaC).not.toBeNull();
    expect(lines.some((w) => Math.abs(w - gap.omegaC!) < 1e-6)).toBe(true);
  });

  it('boson-peak: the peak falls towards zero as γ → γ_c', () => {
    const panel = panelOf(parseSvg(svgs.get('boson-peak')!), 'boson-peak');
    const y = axisOf(panel, 'y', false);
    const peaks = circles(panel, 'boson-peak').map((p) => y(p.cy));
    expect(peaks.length).toBeGreaterThanOrEqual(10);
    for (let k = 1; k < peaks.length; k++) expect(peaks[k]).toBeLessThan(peaks[k - 1]);
    expect(peaks[peaks.length - 1]).toBeLessThan(0.25 * peaks[0]);
  });
});

describe('glassmodes figure --out file.png', () => {
  it('has the pixel size and the resolution the --dpi implies', async () => {
    for (const [kind, dpi] of [['level-ratio', 150], ['dos', 72], ['stress', 600]] as const) {
      const out = join(scratch, `${kind}-${dpi}.png`);
      await ok(['figure', glass, kind, '--out', out, '--dpi', String(dpi), '--quiet']);
      const png = new Uint8Array(readFileSync(out));
      const model = buildFigure({ kind, projects: [analysisData(glass)!] });
      const width = model.panels.reduce((w, p) => w + p.width, 0);
      expect(pngDimensions(png)).toEqual(pngPixelSize({ width, height: model.panels[0].height }, dpi));
      expect(pngDimensions(png).width).toBe(Math.round((width * dpi) / 96));
      expect(pngDpi(png)).toBe(dpi);
    }
  });
});

describe('glassmodes figure refuses, and writes nothing', () => {
  it('an unknown kind, listing the kinds', async () => {
    const out = join(scratch, 'never-kind.svg');
    const r = await cli(['figure', glass, 'spaghetti', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown figure kind 'spaghetti'/);
    for (const kind of figureKinds) expect(r.stderr).toContain(kind);
    expect(existsSync(out)).toBe(false);
  });

  it('a project that was never analysed', async () => {
    const fresh = join(scratch, 'fresh');
    await ok(['new', fresh, '--dim', '2', '--particles', '64', '--taper', '2', '--parent-temperature', 'inf', '--samples', '1']);
    const out = join(scratch, 'never-fresh.svg');
    const r = await cli(['figure', fresh, 'dos', '--out', out]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`run glassmodes analyze ${fresh} first`);
    expect(existsSync(out)).toBe(false);
  });

  it('a resolution outside 72–600 dpi or not a whole number, and an output that is neither .svg nor .png', async () => {
    for (const dpi of ['50', '601', '150.5', 'high']) {
      const out = join(scratch, `never-${dpi}.png`);
      const r = await cli(['figure', glass, 'dos', '--out', out, '--dpi', dpi]);
      expect(r.status, dpi).toBe(2);
      expect(r.stderr).toMatch(/--dpi/);
      expect(existsSync(out)).toBe(false);
    }
    const r = await cli(['figure', glass, 'dos', '--out', join(scratch, 'never.jpg')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.svg or \.png/);
    expect(existsSync(join(scratch, 'never.jpg'))).toBe(false);
  });
});

describe('figure data as CSV', () => {
  it('names each column with its unit and has a row per drawn point', () => {
    const model = buildFigure({ kind: 'dos', projects: [analysisData(glass)!] });
    const [header, ...rows] = figureCsv(model).trim().split('\n');
    expect(header).toBe('project,panel,curve,omega [sqrt(eps/m)/a],g [a*sqrt(m/eps)],g_error [a*sqrt(m/eps)]');
    const points = model.panels[0].traces[0].points;
    const data = rows.filter((r) => r.startsWith('glass-m2,dos,glass-m2,'));
    expect(data.length).toBe(points.length);
    const s = seriesOf(glass, 'dos_linear');
    expect(Number(data[4].split(',')[3])).toBe(col(s, 'omega')[4]);
    expect(Number(data[4].split(',')[4])).toBe(col(s, 'g')[4]);
    expect(rows.some((r) => r.includes('marker ω₀'))).toBe(true);
  });
});
