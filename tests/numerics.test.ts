import { describe, expect, it } from 'vitest';
import { GOLDEN_RATIO, goldenSection } from '../engine/numerics/goldenSection';

describe('golden-section search (engine/numerics/goldenSection.ts)', () => {
  it('finds the maximum of a smooth unimodal function to the bracket tolerance', () => {
    const r = goldenSection((x) => Math.sin(x), 0, 3, { tolerance: 1e-12 });
    expect(r.hi - r.lo).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(r.x - Math.PI / 2)).toBeLessThan(1e-7); // a maximum is located to ~√ε
  });

  it('finds a minimum when asked, with a relative tolerance', () => {
    const r = goldenSection((x) => (x - 1234.5) ** 2, 1000, 2000, { extremum: 'min', tolerance: 1e-13, relative: true });
    expect(r.hi - r.lo).toBeLessThanOrEqual(1e-13 * 1234.5 * 1.01);
    expect(r.x).toBeCloseTo(1234.5, 6);
  });

  it('shrinks the bracket by the golden ratio per step and stops at maxIterations', () => {
    const r = goldenSection((x) => -Math.abs(x - 0.3), 0, 1, { tolerance: 0, maxIterations: 10 });
    expect(r.iterations).toBe(10);
    expect(r.hi - r.lo).toBeCloseTo(GOLDEN_RATIO ** 10, 12);
    expect(r.lo <= 0.3 && 0.3 <= r.hi).toBe(true);
  });
});
