import { describe, expect, it } from 'vitest';
import { boxSide, validateSettings } from '../engine/model/settings';
import { makeGlass } from '../engine/model/glass';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { hessianMultiplyRows, sparseHessian } from '../engine/hessian/sparse';
import { hessianRowsOperator } from '../engine/hessian/hessianRows';
import { lowestSpectrum } from '../engine/spectrum/lowest';
import { createRng, normal } from '../engine/random';

function glass(dim: 2 | 3, particles: number, taper: 2 | 'inf', quenched: boolean) {
  const settings = validateSettings({ model: { dim, particles, taper } });
  const start = randomConfiguration(settings, 5);
  const positions = quenched ? runQuenchStage(settings, start.positions, start.diameters).positions : start.positions;
  return { h: sparseHessian(makeGlass(settings.model, start.diameters), positions), positions, side: boxSide(settings.model) };
}

describe('the WebAssembly SIMD product H X (engine/hessian/wasm/hessianRows.c)', () => {
  it('gives the bits of hessianMultiplyRows for 1, 2, 5 and 8 vectors (3D, m = 2 and ∞), and the same when called again with fewer', () => {
    const rng = createRng(2);
    for (const taper of [2, 'inf'] as const) {
      const { h } = glass(3, 343, taper, false);
      const op = hessianRowsOperator(h);
      expect(op.kernel).toBe(true);
      const n = 3 * h.particles;
      for (const count of [1, 2, 5, 8, 3]) {
        const x = Float64Array.from({ length: count * n }, () => normal(rng));
        const expected = hessianMultiplyRows(h, x, new Float64Array(count * n), count);
        const y = new Float64Array(count * n).fill(Number.NaN);
        op(x, y, count);
        expect(Array.from(y)).toEqual(Array.from(expected));
      }
    }
  });

  it('is not used in 2D (the TypeScript loops run there)', () => {
    const { h } = glass(2, 100, 2, false);
    expect(hessianRowsOperator(h).kernel).toBe(false);
    expect(hessianRowsOperator(glass(3, 64, 2, false).h, false).kernel).toBe(false);
  });

  it('leaves the lowest-K spectrum of a quenched glass unchanged to the bit (N = 216, K = 20)', () => {
    const { h, positions, side } = glass(3, 216, 2, true);
    // The one-thread kernels (the step kernel's halves of the product sum in another order: tests/lanczos-kernel.test.ts).
    const a = lowestSpectrum(h, positions, side, 20, { kernel: true, stepKernel: false });
    const b = lowestSpectrum(h, positions, side, 20, { kernel: false });
    expect(a.certification.certified).toBe(true);
    expect(Array.from(a.eigenvalues)).toEqual(Array.from(b.eigenvalues));
    expect(a.products).toBe(b.products);
  });
});
