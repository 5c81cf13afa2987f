/**
 * Quench to the inherent structure by limited-memory BFGS (Nocedal, Math. Comp. 35, 773 (1980);
 * Nocedal & Wright, Numerical Optimization, Alg. 7.4–7.5), the paper's choice (Methods).
 *
 * The line search is Armijo backtracking on the energy while energy differences are resolvable.
 * Near the minimum the decrease of a step (~ |f|²/k) falls below the rounding of V itself, so
 * there the step is judged by the directional derivative instead (|f_new·d| ≤ 0.9 |f·d|, the
 * strong-Wolfe curvature test), which is what lets the quench reach max|f| ≤ 1e-10.
 */
import type { Glass } from '../model/glass';
import { wrapPositions } from '../space/box';
import { energySurface, maxForce, type QuenchOptions, type QuenchResult } from './objective';

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
};

export function lbfgsQuench(glass: Glass, start: Float64Array, options: QuenchOptions): QuenchResult {
  const d = glass.box.dim;
  const n = start.length;
  const memory = options.memory ?? 10;
  const maxStep = options.maxStep ?? 0.1;
  const every = options.progressEvery ?? 100;
  const surface = energySurface(glass, start);
  const x = start.slice();
  const f = new Float64Array(n);
  const xNew = new Float64Array(n);
  const fNew = new Float64Array(n);
  const dir = new Float64Array(n);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaK = new Float64Array(memory);

  let energy = surface.evaluate(x, f);
  let fmax = maxForce(f, d);
  let iteration = 0;
  let reason: QuenchResult['reason'] = 'max-iterations';
  let failures = 0;

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
    // Two-loop recursion: dir = −H_k ∇V = H_k f.
    dir.set(f);
    const m = S.length;
    for (let k = m - 1; k >= 0; k--) {
      alphaK[k] = rho[k] * dot(S[k], dir);
      const y = Y[k];
      for (let q = 0; q < n; q++) dir[q] -= alphaK[k] * y[q];
    }
    const gamma = m > 0 ? dot(S[m - 1], Y[m - 1]) / dot(Y[m - 1], Y[m - 1]) : 1 / Math.max(1, fmax * 100);
    for (let q = 0; q < n; q++) dir[q] *= gamma;
    for (let k = 0; k < m; k++) {
      const beta = rho[k] * dot(Y[k], dir);
      const s = S[k];
      for (let q = 0; q < n; q++) dir[q] += s[q] * (alphaK[k] - beta);
    }
    let slope = -dot(f, dir); // dV/dα along dir
    if (!(slope < 0)) {
      // Not a descent direction: forget the history and go down the forces.
      S.length = Y.length = rho.length = 0;
      dir.set(f);
      const scale = 1 / Math.max(1, fmax * 100);
      for (let q = 0; q < n; q++) dir[q] *= scale;
      slope = -dot(f, dir);
    }
    // Cap the largest particle displacement.
    const longest = maxForce(dir, d);
    if (longest > maxStep) {
      const c = maxStep / longest;
      for (let q = 0; q < n; q++) dir[q] *= c;
      slope *= c;
    }

    let alpha = 1;
    let accepted = false;
    let eNew = energy;
    for (let tries = 0; tries < 40; tries++) {
      for (let q = 0; q < n; q++) xNew[q] = x[q] + alpha * dir[q];
      eNew = surface.evaluate(xNew, fNew);
      const resolvable = Math.abs(alpha * slope) > 1e-11 * (Math.abs(energy) + 1);
      if (resolvable ? eNew <= energy + 1e-4 * alpha * slope : Math.abs(dot(fNew, dir)) <= 0.9 * Math.abs(slope) / 1) {
        accepted = true;
        break;
      }
      alpha *= 0.5;
    }
    if (!accepted) {
      failures++;
      S.length = Y.length = rho.length = 0;
      if (failures > 5) {
        reason = 'stalled';
        break;
      }
      continue;
    }
    failures = 0;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      s[q] = xNew[q] - x[q];
      y[q] = f[q] - fNew[q]; // ∇V_new − ∇V_old
    }
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    x.set(xNew);
    f.set(fNew);
    energy = eNew;
    fmax = maxForce(f, d);
  }
  if (fmax <= options.forceTolerance) reason = 'converged';
  wrapPositions(x, glass.box.side);
  return {
    method: 'lbfgs',
    positions: x,
    energy,
    maxForce: fmax,
    iterations: iteration,
    evaluations: surface.evaluations,
    converged: reason === 'converged',
    reason,
  };
}
