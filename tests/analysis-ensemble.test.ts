import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExtxyz } from '../engine/io/files';
import { validateSettings } from '../engine/model/settings';
import { makeGlass } from '../engine/model/glass';
import { denseHessian, sparseHessian } from '../engine/hessian/sparse';
import type { SampleInput } from '../engine/analysis/ensemble';
import { analyzeEnsemble } from '../engine/products/ensembleSeries';
import { levelSpacingRatios, meanRatioTilde } from '../engine/analysis/levelSpacing';
import { seriesToCsv } from '../engine/series';

const referenceDir = path.resolve(import.meta.dirname, '../../shared/reference');
const reference = JSON.parse(readFileSync(path.join(referenceDir, 'reference.json'), 'utf8'));

/** Cyclic Jacobi for a small dense symmetric matrix: ascending eigenvalues and eigenvectors (rows). */
function jacobiEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => a[x * n + x] - a[y * n + y]);
  const values = Float64Array.from(order, (k) => a[k * n + k]);
  const vectors = new Float64Array(n * n);
  order.forEach((k, row) => {
    for (let i = 0; i < n; i++) vectors[row * n + i] = v[i * n + k];
  });
  return { values, vectors };
}

describe('ensemble analysis (what `glassmodes analyze` writes)', () => {
  const r = reference.d2_n100_taper2;
  const config = readExtxyz(path.join(referenceDir, r.file));
  const settings = validateSettings({ model: { dim: 2, particles: 100, taper: 2 }, seed: 3 });
  const glass = makeGlass(settings.model, config.diameters);
  const size = 2 * 100;
  const { values, vectors } = jacobiEigen(denseHessian(sparseHessian(glass, config.positions)), size);
  const stored = 30;
  // A second inherent structure: the mirror image x → L − x (same spectrum and moduli).
  const mirrored = config.positions.map((x, k) => (k % 2 === 0 ? (r.box - x) % r.box : x));
  const samples: SampleInput[] = [
    { id: 'a', eigenvalues: values, modes: vectors.slice(0, stored * size), positions: config.positions, diameters: config.diameters, settings },
    { id: 'b', eigenvalues: values, modes: null, positions: mirrored, diameters: config.diameters, settings },
  ];
  const { series, summary } = analyzeEnsemble(samples, { bootstrapResamples: 50 });

  it('the test eigensolver reproduces the reference spectrum', () => {
    expect(values.slice(0, 2).every((x) => Math.abs(x) < 1e-10)).toBe(true);
    r.lowestNonZeroEigenvalues.forEach((x: number, k: number) => expect(Math.abs(values[2 + k] - x)).toBeLessThan(1e-9 * x + 1e-12));
  });

  it('summarises moduli, ω_0, s, ⟨r̃⟩, stress slopes and Table 1', () => {
    expect(summary.samples).toBe(2);
    expect(summary.unstableSamples).toEqual([]);
    expect(Math.abs(summary.shearModulus.value - r.shearModulus)).toBeLessThan(1e-8 * r.shearModulus);
    expect(summary.shearModulus.error).toBeLessThan(1e-10);
    expect(summary.shearModulus.planes.map((p) => [p.alpha, p.beta])).toEqual([[0, 1]]);
    expect(summary.bulkModulus.value).toBeGreaterThan(summary.shearModulus.value);
    expect(summary.omega0).toBeCloseTo((2 * Math.PI * Math.sqrt(r.shearModulus / 1)) / r.box, 8);
    expect(summary.s.automatic).toBe(true);
    expect(summary.s.window[1]).toBeCloseTo(summary.omega0, 12);
    expect(summary.s.window[0]).toBeCloseTo(Math.sqrt(r.lowestNonZeroEigenvalues[0]), 8);
    expect(Number.isFinite(summary.s.value)).toBe(true);
    expect(summary.s.low).toBeLessThanOrEqual(summary.s.high);
    const levels = values.slice(2);
    expect(summary.meanRatio.lowest.value).toBeCloseTo(meanRatioTilde(levelSpacingRatios(levels, 0, 50)), 14);
    expect(summary.meanRatio.highest.value).toBeCloseTo(meanRatioTilde(levelSpacingRatios(levels, 148, 50)), 14);
    expect(summary.meanRatio.lowest.count).toBe(2 * 48);
    expect(summary.stressSlope.predicted).toBe(-0.5);
    expect(summary.stressSlope.offDiagonal.window[0]).toBeGreaterThan(0);
    expect(summary.tableOne.dos).toBe(4);
    expect(summary.energyPerParticle.value).toBeCloseTo(r.energy / 100, 9);
    expect(summary.rotationalFraction).not.toBeNull();
    expect(JSON.parse(JSON.stringify(summary)).s.window.length).toBe(2);
  });

  it('every series is a CSV with a header of names and units (dimensionless columns by plain name)', () => {
    const names = series.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['dos_linear', 'dos_log', 'integrated_dos', 'level_ratio_lowest', 'level_ratio_middle', 'level_ratio_highest', 'stress_offdiagonal', 'stress_radial', 'ghet_type2', 'modes']));
    for (const s of series) {
      const lines = seriesToCsv(s).trim().split('\n');
      expect(lines[0]).toMatch(/^\w+( \[[^\]]+\])?(,\w+( \[[^\]]+\])?)*$/);
      expect(lines.length).toBeGreaterThan(1);
    }
    const modes = series.find((s) => s.name === 'modes')!;
    expect(modes.data[0].length).toBe(stored - 2);
    for (const pr of modes.data[1]) expect(pr > 0 && pr <= 1).toBe(true);
    for (const f of modes.data[2]) expect(f >= 0 && f <= 1).toBe(true);
    const F = series.find((s) => s.name === 'integrated_dos')!;
    expect(F.data[1][F.data[1].length - 1]).toBe(1);
  });
});
