/**
 * The lowest-K solver's cell order and its step kernel on two threads (engine/hessian/sparse.ts
 * cellOrder / permuteHessian, engine/hessian/lanczosKernel.ts, engine/hessian/wasm/lanczos.c):
 * P H Pᵀ is H relabelled; the kernel's product and filter are H x and −T_q(ξ(H)) x; its parts give
 * the same bits whether the helper thread runs some of them or none; and the spectrum it finds is the
 * one-thread kernels' to rounding, with the modes in the input order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { installGemmWorker } from '../engine/io/gemmWorker';
import { cellOrder, hessianMultiplyRows, permuteHessian, sparseHessian, unpermuteRows } from '../engine/hessian/sparse';
import { LANCZOS_THREAD_MIN_LENGTH, lanczosHelperParts, lanczosKernel, setLanczosThreadMinLength } from '../engine/hessian/lanczosKernel';
import { lowestSpectrum } from '../engine/spectrum/lowest';
import { makeGlass } from '../engine/model/glass';
import { boxSide, validateSettings } from '../engine/model/settings';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { createRng, normal } from '../engine/random';

function glass(particles: number, taper: 2 | 'inf', quenched: boolean, seed = 5) {
  const settings = validateSettings({ model: { dim: 3, particles, taper } });
  const start = randomConfiguration(settings, seed);
  const positions = quenched ? runQuenchStage(settings, start.positions, start.diameters).positions : start.positions;
  return { h: sparseHessian(makeGlass(settings.model, start.diameters), positions), positions, side: boxSide(settings.model) };
}

const sameBits = (x: ArrayLike<number>, y: ArrayLike<number>) => x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));

afterAll(() => {
  setLanczosThreadMinLength(LANCZOS_THREAD_MIN_LENGTH);
  installGemmWorker({ enabled: false });
});

describe('the cell order of the lowest-K solver', () => {
  it('is a permutation, and P H Pᵀ (P x) = P (H x) for the relabelled Hessian', () => {
    const { h, positions, side } = glass(343, 2, false);
    const order = cellOrder(positions, side, 3);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 343 }, (_, i) => i));
    // Neighbours end up close in memory: the mean label distance of the pairs drops well below random (~N/3).
    const hp = permuteHessian(h, order);
    let before = 0;
    let after = 0;
    for (let q = 0; q < h.pairI.length; q++) {
      before += Math.abs(h.pairI[q] - h.pairJ[q]);
      after += hp.pairJ[q] - hp.pairI[q];
      expect(hp.pairI[q]).toBeLessThan(hp.pairJ[q]);
      if (q > 0) expect(hp.pairI[q] > hp.pairI[q - 1] || (hp.pairI[q] === hp.pairI[q - 1] && hp.pairJ[q] > hp.pairJ[q - 1])).toBe(true);
    }
    expect(after).toBeLessThan(0.6 * before);
    const rng = createRng(3);
    const n = 3 * 343;
    const x = Float64Array.from({ length: n }, () => normal(rng));
    const hx = hessianMultiplyRows(h, x, new Float64Array(n), 1);
    const px = unpermuteRows(x, order, 3, true);
    const hpx = hessianMultiplyRows(hp, px, new Float64Array(n), 1);
    const back = unpermuteRows(hpx, order, 3);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(back[i] - hx[i]));
    expect(worst).toBeLessThan(1e-12 * Math.max(...hx.map(Math.abs)));
    expect(sameBits(unpermuteRows(px, order, 3), x)).toBe(true);
  });

  it('refuses an order that is not a permutation, naming it', () => {
    const { h } = glass(64, 2, false);
    const order = Int32Array.from({ length: 64 }, (_, i) => i);
    order[5] = 4;
    expect(() => permuteHessian(h, order)).toThrow(/not a permutation/);
    expect(() => permuteHessian(h, order.subarray(1))).toThrow(/63 for 64 particles/);
  });
});

describe('the Lanczos step kernel (engine/hessian/wasm/lanczos.c)', () => {
  it('computes H x and the filter −T_q(ξ(H)) x of lowestModes (q = 2, 4, 5) to rounding', () => {
    const { h } = glass(343, 'inf', false);
    const n = 3 * h.particles;
    const k = lanczosKernel(h, [n, n], 64, 4, { threads: false })!;
    expect(k).not.toBeNull();
    const [x, y] = k.arrays;
    const rng = createRng(9);
    for (let i = 0; i < n; i++) x[i] = normal(rng);
    const xs = Float64Array.from(x);
    const hx = hessianMultiplyRows(h, xs, new Float64Array(n), 1);
    k.krylov(x, y);
    const scale = Math.max(...hx.map(Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(y[i] - hx[i])).toBeLessThan(1e-13 * scale);
    for (const degree of [2, 4, 5]) {
      const filter = { cut: 3, bound: 200, degree };
      const centre = 0.5 * (filter.bound + filter.cut);
      const half = 0.5 * (filter.bound - filter.cut);
      // The recurrence in plain loops: T_1 = ξ x, T_(k+1) = 2 ξ T_k − T_(k−1), ξ(H) = (centre − H)/half.
      let prev = Float64Array.from(xs);
      let cur = hessianMultiplyRows(h, prev, new Float64Array(n), 1).map((v, i) => (centre * prev[i] - v) / half);
      for (let s = 1; s < degree; s++) {
        const hc = hessianMultiplyRows(h, cur, new Float64Array(n), 1);
        const next = hc.map((v, i) => (2 * (centre * cur[i] - v)) / half - prev[i]);
        prev = cur;
        cur = next;
      }
      k.krylov(x, y, filter);
      const big = Math.max(...cur.map(Math.abs));
      for (let i = 0; i < n; i++) expect(Math.abs(y[i] + cur[i])).toBeLessThan(1e-12 * big);
      expect(sameBits(x, xs)).toBe(true); // x is read, never written
    }
  });

  it('gives the same bits with the helper thread running parts and without it (lowest 20, N = 216, quenched)', () => {
    const { h, positions, side } = glass(216, 2, true);
    setLanczosThreadMinLength(0);
    installGemmWorker({ enabled: true });
    const before = lanczosHelperParts();
    const two = lowestSpectrum(h, positions, side, 20);
    const helped = lanczosHelperParts() - before;
    installGemmWorker({ enabled: false });
    const one = lowestSpectrum(h, positions, side, 20);
    setLanczosThreadMinLength(LANCZOS_THREAD_MIN_LENGTH);
    expect(helped).toBeGreaterThan(0);
    expect(lanczosHelperParts() - before).toBe(helped); // none without the helper
    expect(two.certification.certified).toBe(true);
    expect(sameBits(two.eigenvalues, one.eigenvalues)).toBe(true);
    expect(sameBits(two.modes, one.modes)).toBe(true);
    expect(two.products).toBe(one.products);
  });

  it('finds the spectrum of the one-thread kernels, certified, the modes in the input order (N = 343, m = ∞, K = 30)', () => {
    const { h, positions, side } = glass(343, 'inf', true, 8);
    const a = lowestSpectrum(h, positions, side, 30);
    const b = lowestSpectrum(h, positions, side, 30, { stepKernel: false, reorder: false });
    expect(a.certification.certified).toBe(true);
    expect(b.certification.certified).toBe(true);
    expect(a.count).toBe(b.count);
    const n = 3 * h.particles;
    for (let i = 3; i < a.eigenvalues.length; i++) {
      expect(Math.abs(a.eigenvalues[i] - b.eigenvalues[i])).toBeLessThan(1e-10 * b.eigenvalues[i]);
      // A residual with the input Hessian: the mode is in the input order.
      const v = a.modes.subarray(i * n, (i + 1) * n);
      const hv = hessianMultiplyRows(h, v, new Float64Array(n), 1);
      let r = 0;
      for (let e = 0; e < n; e++) r += (hv[e] - a.eigenvalues[i] * v[e]) ** 2;
      expect(Math.sqrt(r)).toBeLessThan(1e-8 * a.lambdaMax);
    }
  });
});
