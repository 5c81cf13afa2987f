import { describe, expect, it } from 'vitest';
import { contacts, cutoffPairs, energyAndForces, makeGlass, maxForce, particleEnergies, totalEnergy } from '../engine/model/glass';
import { denseHessian, hessianMultiply, hessianTrace, sparseHessian } from '../engine/hessian/sparse';
import { validateSettings } from '../engine/model/settings';
import { sampleDiameters } from '../engine/model/diameters';
import { createRng, uniform } from '../engine/random';
import { lbfgsQuench } from '../engine/minimize/lbfgs';
import { loadReferenceGlass, STRUCTURES } from './helpers/reference';

/** A moderately compressed random configuration (a few thousand pair contacts, no huge overlaps). */
function randomGlass(dim: 2 | 3, particles: number, taper: number | 'inf', potential: 'ipl' | 'lj' = 'ipl', seed = 7) {
  const settings = validateSettings({ model: { dim, particles, taper, potential } });
  const rng = createRng(seed);
  const glass = makeGlass(settings.model, sampleDiameters(particles, 0.73, 1.62, rng));
  const x = new Float64Array(dim * particles).map(() => uniform(rng) * glass.box.side);
  // Relax the worst overlaps (to forces of order one) so finite differences probe physical distances.
  const relaxed = lbfgsQuench(glass, x, { forceTolerance: 1, maxIterations: 500 }).positions;
  return { glass, positions: relaxed };
}

const cases = [
  { name: '3D IPL T_2', ...{ dim: 3 as const, taper: 2, potential: 'ipl' as const } },
  { name: '3D IPL T_∞', ...{ dim: 3 as const, taper: 'inf' as const, potential: 'ipl' as const } },
  { name: '2D IPL T_3', ...{ dim: 2 as const, taper: 3, potential: 'ipl' as const } },
  { name: '3D LJ T_2', ...{ dim: 3 as const, taper: 2, potential: 'lj' as const } },
];

describe('energy, forces and Hessian (docs/PHYSICS.md §2)', () => {
  for (const c of cases) {
    const { glass, positions } = randomGlass(c.dim, c.dim === 3 ? 125 : 100, c.taper, c.potential);
    const n = positions.length;

    it(`${c.name}: forces are −∇V by finite differences (relative error ≤ 1e-6)`, () => {
      const f = new Float64Array(n);
      energyAndForces(glass, positions, cutoffPairs(glass, positions), f);
      const x = positions.slice();
      const d = c.dim;
      // Energy of the pairs of particle i only: its change is the change of V when i moves.
      const local = (i: number) => {
        const pairs = cutoffPairs(glass, x);
        let e = 0;
        const t = new Float64Array(3);
        for (let p = 0; p < pairs.count; p++) {
          if (pairs.i[p] !== i && pairs.j[p] !== i) continue;
          let r2 = 0;
          for (let a = 0; a < d; a++) {
            const dx = x[d * pairs.j[p] + a] - x[d * pairs.i[p] + a];
            const w = dx - glass.box.side * Math.round(dx / glass.box.side);
            r2 += w * w;
          }
          const r = Math.sqrt(r2);
          if (r < glass.potential.cutoff) {
            glass.potential.terms(r, 0.5 * (glass.diameters[pairs.i[p]] + glass.diameters[pairs.j[p]]), t);
            e += t[0];
          }
        }
        return e;
      };
      const fmax = maxForce(f, d);
      expect(fmax).toBeGreaterThan(0.1);
      for (let k = 0; k < n; k += 7) {
        const i = Math.floor(k / d);
        const h = 1e-4;
        const at = (s: number) => {
          x[k] = positions[k] + s * h;
          const e = local(i);
          x[k] = positions[k];
          return e;
        };
        // Five-point stencil: truncation error O(h⁴).
        const fd = -(-at(2) + 8 * at(1) - 8 * at(-1) + at(-2)) / (12 * h);
        expect(Math.abs(fd - f[k])).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(f[k]), 0.01 * fmax));
      }
    });

    it(`${c.name}: Hessian columns are −∂f/∂x by finite differences (relative error ≤ 1e-6), and H is symmetric`, () => {
      const h = sparseHessian(glass, positions);
      const dense = denseHessian(h);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(dense[i * n + j]).toBe(dense[j * n + i]);
      const x = positions.slice();
      const fp = new Float64Array(n);
      const fm = new Float64Array(n);
      let scale = 0;
      for (let k = 0; k < dense.length; k++) scale = Math.max(scale, Math.abs(dense[k]));
      for (let k = 0; k < n; k += 11) {
        const step = 1e-6;
        x[k] = positions[k] + step;
        energyAndForces(glass, x, cutoffPairs(glass, x), fp);
        x[k] = positions[k] - step;
        energyAndForces(glass, x, cutoffPairs(glass, x), fm);
        x[k] = positions[k];
        for (let q = 0; q < n; q++) {
          const fd = -(fp[q] - fm[q]) / (2 * step);
          const exact = dense[q * n + k];
          expect(Math.abs(fd - exact)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(exact), 1e-3 * scale));
        }
      }
    });

    it(`${c.name}: the sparse product equals the dense one, and uniform translations are zero modes`, () => {
      const h = sparseHessian(glass, positions);
      const dense = denseHessian(h);
      const rng = createRng(3);
      const v = new Float64Array(n).map(() => uniform(rng) - 0.5);
      const hv = hessianMultiply(h, v, new Float64Array(n));
      for (let q = 0; q < n; q += 5) {
        let s = 0;
        for (let k = 0; k < n; k++) s += dense[q * n + k] * v[k];
        expect(hv[q]).toBeCloseTo(s, 9);
      }
      for (let a = 0; a < c.dim; a++) {
        const t = new Float64Array(n);
        for (let i = a; i < n; i += c.dim) t[i] = 1;
        const ht = hessianMultiply(h, t, new Float64Array(n));
        expect(maxForce(ht, 1)).toBeLessThan(1e-10 * hessianTrace(h) / n);
      }
    });
  }

  it('per-particle energies sum to V', () => {
    const { glass, positions } = randomGlass(3, 125, 2);
    const e = particleEnergies(glass, positions).reduce((a, b) => a + b, 0);
    expect(e).toBeCloseTo(totalEnergy(glass, positions), 10);
    expect(contacts(glass, positions).count).toBeGreaterThan(0);
  });
});

describe('against an independent float64 implementation (../shared/reference)', () => {
  for (const key of STRUCTURES) {
    it(`${key}: energy to 1e-10 relative, max|f| at the inherent structure, trace of H`, () => {
      const { ref, glass, positions } = loadReferenceGlass(key);
      expect(glass.box.side).toBeCloseTo(ref.box, 12);
      const f = new Float64Array(positions.length);
      const e = energyAndForces(glass, positions, cutoffPairs(glass, positions), f);
      expect(Math.abs(e - ref.energy) / ref.energy).toBeLessThan(1e-10);
      expect(maxForce(f, ref.dim)).toBeLessThan(1e-11);
      const trace = hessianTrace(sparseHessian(glass, positions));
      expect(Math.abs(trace - ref.traceHessian) / ref.traceHessian).toBeLessThan(1e-10);
    });
  }
});
