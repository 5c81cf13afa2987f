import { describe, expect, it } from 'vitest';
import { validateSettings } from '../engine/model/settings';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { cutoffPairs, energyAndForces, makeGlass, maxForce } from '../engine/model/glass';
import { hessianMultiply, sparseHessian } from '../engine/hessian/sparse';
import { createRng, normal } from '../engine/random';

describe('quench to the inherent structure (docs/PHYSICS.md §3)', () => {
  it('L-BFGS from random positions at N = 1000 (3D, T_2) reaches max|f| ≤ 1e-10', () => {
    const settings = validateSettings({ model: { dim: 3, particles: 1000, taper: 2 } });
    const start = randomConfiguration(settings, 1);
    const result = runQuenchStage(settings, start.positions, start.diameters);
    expect(result.converged).toBe(true);
    expect(result.reason).toBe('converged');
    const glass = makeGlass(settings.model, start.diameters);
    const f = new Float64Array(result.positions.length);
    const e = energyAndForces(glass, result.positions, cutoffPairs(glass, result.positions), f);
    expect(maxForce(f, 3)).toBeLessThanOrEqual(1e-10);
    expect(Math.abs(e - result.energy) / e).toBeLessThan(1e-12);
    // A minimum, not a saddle: the energy rises along random directions (H positive on them).
    const h = sparseHessian(glass, result.positions);
    const rng = createRng(2);
    for (let k = 0; k < 5; k++) {
      const v = new Float64Array(3000).map(() => normal(rng));
      const hv = hessianMultiply(h, v, new Float64Array(3000));
      expect(v.reduce((s, x, q) => s + x * hv[q], 0)).toBeGreaterThan(0);
    }
  });

  it('FIRE reaches the same tolerance (2D, N = 256, T_∞)', () => {
    const settings = validateSettings({ model: { dim: 2, particles: 256, taper: 'inf' }, quench: { method: 'fire' } });
    const start = randomConfiguration(settings, 4);
    const result = runQuenchStage(settings, start.positions, start.diameters);
    expect(result.method).toBe('fire');
    expect(result.converged).toBe(true);
    expect(result.maxForce).toBeLessThanOrEqual(1e-10);
  });

  it('a quench that cannot converge says so instead of claiming an inherent structure', () => {
    const settings = validateSettings({ model: { dim: 2, particles: 256, taper: 2 }, quench: { maxIterations: 20 } });
    const start = randomConfiguration(settings, 4);
    const result = runQuenchStage(settings, start.positions, start.diameters);
    expect(result.converged).toBe(false);
    expect(result.reason).toBe('max-iterations');
    expect(result.maxForce).toBeGreaterThan(1e-10);
  });
});
