/**
 * FIRE, the fast inertial relaxation engine (Bitzek et al., PRL 97, 170201 (2006)), with the
 * standard parameters, unit masses and velocity-Verlet steps.
 */
import type { Glass } from '../model/glass';
import { wrapPositions } from '../space/box';
import { energySurface, maxForce, type QuenchOptions, type QuenchResult } from './objective';

export interface FireParameters {
  dtStart: number;
  dtMax: number;
  nMin: number;
  fInc: number;
  fDec: number;
  alphaStart: number;
  fAlpha: number;
}

export const FIRE_DEFAULTS: FireParameters = { dtStart: 0.005, dtMax: 0.05, nMin: 5, fInc: 1.1, fDec: 0.5, alphaStart: 0.1, fAlpha: 0.99 };

export function fireQuench(glass: Glass, start: Float64Array, options: QuenchOptions, parameters: FireParameters = FIRE_DEFAULTS): QuenchResult {
  const d = glass.box.dim;
  const n = start.length;
  const every = options.progressEvery ?? 500;
  const maxStep = options.maxStep ?? 0.1;
  const surface = energySurface(glass, start);
  const x = start.slice();
  const v = new Float64Array(n);
  const f = new Float64Array(n);
  let energy = surface.evaluate(x, f);
  let fmax = maxForce(f, d);
  let dt = parameters.dtStart;
  let alpha = parameters.alphaStart;
  let positiveSteps = 0;
  let iteration = 0;
  let reason: QuenchResult['reason'] = 'max-iterations';
  while (iteration < options.maxIterations) {
    if (fmax <= options.forceTolerance) {
      reason = 'converged';
      break;
    }
    if (options.onProgress && iteration % every === 0 && options.onProgress({ iteration, energy, maxForce: fmax }) === false) {
      reason = 'stopped';
      break;
    }
    iteration++;
    // Mixing step: v ← (1 − α) v + α |v| f̂.
    let power = 0;
    let vv = 0;
    let ff = 0;
    for (let q = 0; q < n; q++) {
      power += f[q] * v[q];
      vv += v[q] * v[q];
      ff += f[q] * f[q];
    }
    if (power > 0) {
      const mix = ff > 0 ? (alpha * Math.sqrt(vv)) / Math.sqrt(ff) : 0;
      for (let q = 0; q < n; q++) v[q] = (1 - alpha) * v[q] + mix * f[q];
      if (++positiveSteps > parameters.nMin) {
        dt = Math.min(dt * parameters.fInc, parameters.dtMax);
        alpha *= parameters.fAlpha;
      }
    } else {
      positiveSteps = 0;
      dt *= parameters.fDec;
      alpha = parameters.alphaStart;
      v.fill(0);
    }
    // Velocity Verlet with unit masses, the displacement capped at maxStep.
    for (let q = 0; q < n; q++) v[q] += 0.5 * dt * f[q];
    let longest = 0;
    for (let i = 0; i < n; i += d) {
      let s2 = 0;
      for (let k = 0; k < d; k++) s2 += (dt * v[i + k]) ** 2;
      if (s2 > longest) longest = s2;
    }
    const cap = Math.sqrt(longest) > maxStep ? maxStep / Math.sqrt(longest) : 1;
    for (let q = 0; q < n; q++) x[q] += cap * dt * v[q];
    energy = surface.evaluate(x, f);
    for (let q = 0; q < n; q++) v[q] += 0.5 * dt * f[q];
    fmax = maxForce(f, d);
  }
  if (fmax <= options.forceTolerance) reason = 'converged';
  wrapPositions(x, glass.box.side);
  return { method: 'fire', positions: x, energy, maxForce: fmax, iterations: iteration, evaluations: surface.evaluations, converged: reason === 'converged', reason };
}
