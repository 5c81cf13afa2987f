import { describe, expect, it } from 'vitest';
import { basisKernel } from '../engine/linalg/basisKernel';
import { lowestModes } from '../engine/linalg/lowestModes';
import { createRng, normal } from '../engine/random';

const rng = createRng(12);
const randomRows = (a: Float64Array) => {
  for (let k = 0; k < a.length; k++) a[k] = normal(rng);
  return a;
};

describe('the WebAssembly SIMD basis kernel of the Lanczos solver (engine/linalg/wasm/basis.c)', () => {
  it('computes V Zᵀ, Z − Cᵀ V and Yᵀ V as the plain loops do (odd and even n, row counts not multiples of 4, several chunks)', () => {
    for (const [rows, cols, n] of [[7, 1, 301], [12, 3, 2048], [1, 2, 5], [9, 1, 2501]]) {
      const kernel = basisKernel([rows * n, cols * n], Math.max(rows * cols, rows * rows), rows)!;
      expect(kernel).not.toBeNull();
      const [v, z] = kernel.arrays;
      expect(kernel.owns(v) && kernel.owns(z)).toBe(true);
      expect(kernel.owns(new Float64Array(4))).toBe(false);
      randomRows(v);
      randomRows(z);
      const c = new Float64Array(rows * cols);
      kernel.rowProducts(v, rows, z, cols, n, c);
      let dotError = 0;
      for (let r = 0; r < rows; r++)
        for (let k = 0; k < cols; k++) {
          let s = 0;
          let scale = 0;
          for (let i = 0; i < n; i++) {
            s += v[r * n + i] * z[k * n + i];
            scale += Math.abs(v[r * n + i] * z[k * n + i]);
          }
          dotError = Math.max(dotError, Math.abs(c[r * cols + k] - s) / scale);
        }
      expect(dotError).toBeLessThanOrEqual(1e-14);
      const expected = z.slice();
      for (let k = 0; k < cols; k++) for (let i = 0; i < n; i++) for (let r = 0; r < rows; r++) expected[k * n + i] -= c[r * cols + k] * v[r * n + i];
      kernel.subtractRows(v, rows, z, cols, n, c);
      let worst = 0;
      for (let q = 0; q < z.length; q++) worst = Math.max(worst, Math.abs(z[q] - expected[q]) / (1 + Math.abs(expected[q])));
      expect(worst).toBeLessThanOrEqual(1e-13);
      const keep = Math.max(1, rows - 2);
      const y = randomRows(new Float64Array(rows * rows));
      const combined = new Float64Array(keep * n);
      for (let k = 0; k < keep; k++) for (let i = 0; i < n; i++) for (let r = 0; r < rows; r++) combined[k * n + i] += y[r * rows + k] * v[r * n + i];
      const rest = v.slice(keep * n);
      kernel.combineRows(v, rows, y, rows, keep, n);
      worst = 0;
      for (let q = 0; q < keep * n; q++) worst = Math.max(worst, Math.abs(v[q] - combined[q]) / (1 + Math.abs(combined[q])));
      expect(worst).toBeLessThanOrEqual(1e-13);
      expect(Array.from(v.slice(keep * n))).toEqual(Array.from(rest));
    }
  });

  it('gives the lowest modes of a diagonal operator with a known spectrum, with or without the kernel, to rounding', () => {
    const n = 3001;
    const diagonal = Float64Array.from({ length: n }, (_, i) => 1 + i + 0.3 * Math.sin(i));
    const op = (x: Float64Array, y: Float64Array, count: number) => {
      for (let c = 0; c < count; c++) for (let i = 0; i < n; i++) y[c * n + i] = diagonal[i] * x[c * n + i];
    };
    const exact = Array.from(diagonal).sort((a, b) => a - b).slice(0, 12);
    const a = lowestModes(op, n, { count: 12, seed: 3 });
    const b = lowestModes(op, n, { count: 12, seed: 3, kernel: false });
    for (let k = 0; k < 12; k++) {
      expect(Math.abs(a.values[k] - exact[k])).toBeLessThanOrEqual(1e-9 * exact[k]);
      expect(Math.abs(a.values[k] - b.values[k])).toBeLessThanOrEqual(1e-12 * exact[k]);
    }
  });
});
