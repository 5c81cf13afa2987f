// The figures across ensembles (issue 10 item 3): s(T*) with its 95 % bootstrap intervals and the
// type-I/type-II reference lines, and E_IS/N(T*) ± its standard error, built from constructed
// analysed projects (one per T*, as `glassmodes reproduce` has them): each value and interval lands
// at its T*, T* = ∞ is drawn at the tick '∞' after the axis break and written 'inf' in the CSV, the
// CSV has exactly the axes' columns, and the drawn SVG puts the points where the axes say.
import { describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import type { AnalysisData } from '../engine/io/results';
import { tableOne } from '../engine/theory/tableOne';
import { buildFigure } from '../figures/build';
import { figureCsv } from '../figures/figureTable';
import { renderFigureSvg } from '../figures/headless';
import type { Taper } from '../engine/model/settings';

interface Made {
  name: string;
  taper: Taper;
  T: number | 'inf';
  s: [number, number, number];
  E: [number, number];
  potential?: 'ipl' | 'lj';
}

function project(m: Made): AnalysisData {
  const potential = m.potential ?? 'ipl';
  const summary = {
    samples: 8,
    dim: 3,
    particles: 216,
    taper: m.taper,
    potential,
    parentTemperature: m.T,
    energyPerParticle: { value: m.E[0], error: m.E[1] },
    s: { value: m.s[0], low: m.s[1], high: m.s[2], level: 0.95, window: [0.3, 0.9], points: 20 },
    tableOne: tableOne(m.taper, potential),
  };
  return { path: `/r/${m.name}`, name: m.name, series: [], summary: summary as unknown as AnalysisData['summary'] };
}

const made: Made[] = [
  { name: 'm2-Tinf', taper: 2, T: 'inf', s: [2.1, 1.8, 2.5], E: [1.9, 0.002] },
  { name: 'm2-T0.5', taper: 2, T: 0.5, s: [2.4, 2.0, 2.9], E: [1.6, 0.003] },
  { name: 'm2-T0.1', taper: 2, T: 0.1, s: [3.7, 3.1, 4.4], E: [1.2, 0.004] },
  { name: 'minf-Tinf', taper: 'inf', T: 'inf', s: [1.9, 1.6, 2.3], E: [2.0, 0.002] },
  { name: 'minf-T0.1', taper: 'inf', T: 0.1, s: [2.9, 2.5, 3.6], E: [1.3, 0.005] },
];
const projects = made.map(project);

describe('s(T*) across ensembles', () => {
  const model = buildFigure({ kind: 's-vs-temperature', projects });
  const panel = model.panels[0];

  it('has one series per taper, each value and its 95 % interval at its T*, T* = ∞ as x = Infinity', () => {
    const m2 = panel.traces.find((t) => t.label === 'm = 2')!;
    const minf = panel.traces.find((t) => t.label === 'm = ∞')!;
    expect(m2.points.map((p) => p.x)).toEqual([0.1, 0.5, Infinity]);
    expect(m2.points.map((p) => [p.y, ...p.interval!])).toEqual([made[2].s, made[1].s, made[0].s]);
    expect(m2.points.map((p) => p.project)).toEqual(['m2-T0.1', 'm2-T0.5', 'm2-Tinf']);
    expect(minf.points.map((p) => [p.x, p.y, ...p.interval!])).toEqual([[0.1, ...made[4].s], [Infinity, ...made[3].s]]);
    expect(m2.errors).toBe('bars');
  });

  it('draws s = 2 and the type-II s of Table 1 (4 for m = 2, 3 for m = ∞) as horizontal lines over the whole axis', () => {
    const lines = panel.traces.filter((t) => t.role === 'prediction');
    expect(lines.map((t) => t.points[0].y).sort()).toEqual([2, 3, 4]);
    for (const t of lines) {
      expect(t.points.map((p) => p.x)).toEqual([0, Infinity]);
      expect(t.points[1].y).toBe(t.points[0].y);
    }
    expect(lines.find((t) => t.points[0].y === 4)!.label).toMatch(/type II for m = 2/);
    expect(lines.find((t) => t.points[0].y === 3)!.label).toMatch(/type II for m = ∞/);
  });

  it('puts ∞ at its own tick after a break beyond every finite tick, and the y axis holds every interval and line', () => {
    const x = panel.x;
    expect(x.infinity).toBeDefined();
    const { at, breakAt } = x.infinity!;
    expect(x.ticks[x.ticks.length - 1]).toBe(at);
    const finiteTicks = x.ticks.slice(0, -1);
    expect(Math.max(...finiteTicks)).toBeGreaterThanOrEqual(0.5);
    expect(breakAt).toBeGreaterThan(Math.max(...finiteTicks));
    expect(at).toBeGreaterThan(breakAt);
    expect(x.domain[1]).toBeGreaterThan(at);
    expect(panel.y.domain[0]).toBeLessThanOrEqual(1.6);
    expect(panel.y.domain[1]).toBeGreaterThanOrEqual(4.4);
  });

  it('writes a CSV with exactly the axes: T*, s and the interval ends, inf for T* = ∞, a row per ensemble', () => {
    const [header, ...rows] = figureCsv(model).trim().split('\n');
    expect(header).toBe('project,panel,curve,T*,s,s_low,s_high');
    const data = rows.filter((r) => !r.startsWith('reference,'));
    expect(data).toHaveLength(made.length);
    expect(data).toContain('m2-Tinf,s-vs-temperature,m = 2,inf,2.1,1.8,2.5');
    expect(data).toContain('m2-T0.1,s-vs-temperature,m = 2,0.1,3.7,3.1,4.4');
    expect(data).toContain('minf-T0.1,s-vs-temperature,m = ∞,0.1,2.9,2.5,3.6');
    expect(rows.filter((r) => r.startsWith('reference,'))).toHaveLength(6); // three lines, two ends each
  });

  it('draws the point at T* = ∞ under the tick labelled ∞, and each error bar spans the interval', async () => {
    const svg = await renderFigureSvg(model, { embedFont: false });
    const doc = new Window().document;
    doc.body.innerHTML = svg.replace(/^<\?xml[^>]*>\s*/, '');
    const ticks = Array.from(doc.querySelectorAll('text.gm-tick[data-axis="x"]'));
    const inf = ticks.find((t) => t.textContent === '∞')!;
    expect(inf.getAttribute('data-tick-label')).toBe('inf');
    expect(doc.querySelectorAll('.gm-axis-break').length).toBe(1);
    // Pixels → data on y from two tick labels, and x of the ∞ tick.
    const yt = Array.from(doc.querySelectorAll('text.gm-tick[data-axis="y"]')).map((t) => ({ v: Number(t.getAttribute('data-tick-value')), at: Number(t.getAttribute('y')) }));
    const [a, b] = [yt[0], yt[yt.length - 1]];
    const yOf = (px: number) => a.v + ((px - a.at) * (b.v - a.v)) / (b.at - a.at);
    const m2 = Array.from(doc.querySelectorAll('circle.gm-point[data-trace="s-ipl-2"]'));
    expect(m2).toHaveLength(3);
    const atInf = m2.find((c) => Math.abs(Number(c.getAttribute('cx')) - Number(inf.getAttribute('x'))) < 0.5);
    expect(atInf, 'a point under the ∞ tick').toBeDefined();
    expect(yOf(Number(atInf!.getAttribute('cy')))).toBeCloseTo(2.1, 2);
    // The error bars of the m = 2 series: their vertical extents are the intervals.
    const clip = doc.querySelector('.gm-trace--s-ipl-2')!.getAttribute('clip-path');
    const bars = Array.from(doc.querySelectorAll(`.recharts-errorBars[clip-path="${clip}"] .recharts-errorBar line`))
      .map((l) => [Number(l.getAttribute('y1')), Number(l.getAttribute('y2'))])
      .filter(([y1, y2]) => Math.abs(y1 - y2) > 1)
      .map(([y1, y2]) => [yOf(Math.max(y1, y2)), yOf(Math.min(y1, y2))].map((v) => Number(v.toFixed(2))));
    expect(bars.sort((p, q) => p[0] - q[0])).toEqual([[1.8, 2.5], [2.0, 2.9], [3.1, 4.4]]);
  });

  it('adds the LJ point with its own type-II line s = 5', () => {
    const lj = project({ name: 'lj-m2-T0.1', taper: 2, T: 0.1, s: [4.2, 3.5, 5.1], E: [-5, 0.01], potential: 'lj' });
    const m = buildFigure({ kind: 's-vs-temperature', projects: [...projects, lj] });
    const p = m.panels[0];
    expect(p.traces.find((t) => t.label === 'LJ, m = 2')!.points.map((q) => [q.x, q.y])).toEqual([[0.1, 4.2]]);
    expect(p.traces.filter((t) => t.role === 'prediction').map((t) => t.points[0].y).sort()).toEqual([2, 3, 4, 5]);
  });
});

describe('E_IS/N(T*) across ensembles', () => {
  const model = buildFigure({ kind: 'energy-vs-temperature', projects });

  it('puts each mean ± standard error at its T*, ∞ after the break, and writes exactly the axes to CSV', () => {
    const panel = model.panels[0];
    const m2 = panel.traces.find((t) => t.label === 'm = 2')!;
    expect(m2.points.map((p) => [p.x, p.y, p.error])).toEqual([[0.1, 1.2, 0.004], [0.5, 1.6, 0.003], [Infinity, 1.9, 0.002]]);
    expect(panel.x.infinity).toBeDefined();
    expect(panel.traces.some((t) => t.role !== 'data')).toBe(false);
    const [header, ...rows] = figureCsv(model).trim().split('\n');
    expect(header).toBe('project,panel,curve,T*,E_IS_per_N [eps],E_IS_per_N_error [eps]');
    expect(rows).toHaveLength(made.length);
    expect(rows).toContain('minf-Tinf,energy-vs-temperature,m = ∞,inf,2,0.002');
  });

  it('refuses an empty list of projects, naming the figure', () => {
    expect(() => buildFigure({ kind: 'energy-vs-temperature', projects: [] })).toThrow(/E_IS\/N\(T\*\) figure needs at least one analysed project/);
  });
});
