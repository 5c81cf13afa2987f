import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { validateSettings, boxSide } from '../engine/model/settings';
import { makePairPotential, pairFactors, type Taper } from '../engine/model/potential';
import { randomConfiguration } from '../engine/pipeline/stages';
import { fastMoves, lastRun, swapMonteCarlo, type MonteCarloParameters, type MonteCarloState } from '../engine/sim/swapMonteCarlo';
import { swapMonteCarloReference } from '../engine/sim/swapMonteCarloReference';
import { copyMonteCarloState } from '../engine/sim/moves';
import { swapKernel, swapKernelAvailable } from '../engine/sim/swapKernel';
import { decodeBase64 } from '../engine/wasm';
import { distance2To } from '../engine/sim/monteCarloLists';
import { createRng, deriveSeed, rejectionLimit, uniform } from '../engine/random';
import type { Box } from '../engine/space/box';

const copy = copyMonteCarloState;

/** Runs `sweeps` sweeps with the kernel (b) and with the TypeScript moves (a) from one state. */
function kernelAndScript(a: MonteCarloState, b: MonteCarloState, box: Box, potential: ReturnType<typeof makePairPotential>, parameters: () => MonteCarloParameters, sweeps: number, afterSweep?: (s: MonteCarloState, p: MonteCarloParameters) => void): void {
  const pa = parameters();
  const pb = parameters();
  try {
    fastMoves.kernel = false;
    swapMonteCarlo(a, box, potential, pa, sweeps, afterSweep && ((s) => afterSweep(s, pa)));
    expect(lastRun.kernel).toBe(false);
    fastMoves.kernel = true;
    swapMonteCarlo(b, box, potential, pb, sweeps, afterSweep && ((s) => afterSweep(s, pb)));
    expect(lastRun.kernel).toBe(true);
  } finally {
    fastMoves.kernel = true;
  }
  expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
  expect(Array.from(b.diameters)).toEqual(Array.from(a.diameters));
  expect(Array.from(b.rng.s)).toEqual(Array.from(a.rng.s));
  expect(b.attempted).toEqual(a.attempted);
  expect(b.accepted).toEqual(a.accepted);
  expect(b.sweepsDone).toBe(a.sweepsDone);
}

function model(dim: 2 | 3, particles: number, taper: Taper, exponent = 12) {
  const settings = validateSettings({ model: { dim, particles, taper } });
  const potential = makePairPotential({ ...settings.model, exponent, potential: "ipl" });
  return { settings, box: { dim, side: boxSide(settings.model) } as Box, potential };
}

describe('the WebAssembly swap Monte Carlo kernel (engine/sim/wasm/swapKernel.c)', () => {
  it('loads in Node, and swapMonteCarlo runs it by default', () => {
    expect(swapKernelAvailable()).toBe(true);
    const { settings, box, potential } = model(3, 64, 2);
    swapMonteCarlo(randomConfiguration(settings, 1), box, potential, { temperature: 1, swapProbability: 0.2, maxDisplacement: 0.2 }, 2);
    expect(lastRun.kernel).toBe(true);
  });

  it('computes the factorised potential with the same bits as pairFactors (n = 12, 10, 7, 9.5; m = 2, 3, 5, ∞)', () => {
    const rng = createRng(3);
    for (const taper of [2, 3, 5, 'inf'] as const) {
      for (const exponent of [12, 10, 7, 9.5]) {
        const { settings, box, potential } = model(3, 64, taper, exponent);
        const kernel = swapKernel(randomConfiguration(settings, 2), box, potential, 1, 0.2, 0.2, 0.3, 1, [rejectionLimit(64), rejectionLimit(63)])!;
        const f = pairFactors(potential.settings)!;
        const rc = potential.cutoff;
        for (let t = 0; t < 400; t++) {
          const r2 = (0.3 + 1.2 * rc * uniform(rng)) ** 2;
          const s = 1.4 + 1.6 * uniform(rng);
          expect(kernel.exports.pairGeometry(r2)).toBe(f.geometry(r2));
          expect(kernel.exports.pairAmplitude(s)).toBe(f.amplitude(s));
        }
        expect(kernel.exports.pairGeometry(rc * rc)).toBe(0);
      }
    }
  });

  it('takes minimum-image distances with the same bits as distance2To (2D and 3D)', () => {
    const rng = createRng(8);
    for (const dim of [2, 3] as const) {
      const { settings, box, potential } = model(dim, 100, 2);
      const state = randomConfiguration(settings, 5);
      const kernel = swapKernel(state, box, potential, 1, 0.2, 0.2, 0.3, 1, [rejectionLimit(100), rejectionLimit(99)])!;
      for (let t = 0; t < 500; t++) {
        const k = t % 100;
        const p = [box.side * uniform(rng), box.side * uniform(rng), box.side * uniform(rng)];
        expect(kernel.exports.distanceSquared(k, p[0], p[1], p[2])).toBe(distance2To(state.positions, k, dim, p[0], p[1], dim === 3 ? p[2] : 0, box.side, 1 / box.side));
      }
    }
  });

  it('is the same Markov chain as the TypeScript moves, bit for bit: d = 2, 3; m = 2, 3, ∞; n = 12, 10, 7, 9.5; from overlaps and at low T', () => {
    const cases: [2 | 3, number, Taper, number][] = [
      [3, 343, 2, 12], [3, 343, 'inf', 12], [2, 200, 2, 12], [2, 200, 'inf', 12],
      [3, 216, 3, 10], [3, 216, 2, 7], [2, 150, 'inf', 9.5],
    ];
    for (const [dim, particles, taper, exponent] of cases) {
      const { settings, box, potential } = model(dim, particles, taper, exponent);
      const a = randomConfiguration(settings, deriveSeed(11, dim, String(taper), exponent));
      const b = copy(a);
      for (const temperature of [0.5, 0.12]) kernelAndScript(a, b, box, potential, () => ({ temperature, swapProbability: 0.2, maxDisplacement: 0.15 }), 40);
      expect(b.accepted.swap).toBeGreaterThan(0);
      expect(b.accepted.displacement).toBeGreaterThan(0);
      expect(lastRun.relistings).toBeGreaterThan(0);
    }
  });

  it('stays the same chain when lists grow (large step, high T), when δ grows between sweeps (lists rebuilt) and in a box too small for lists', () => {
    const big = model(3, 343, 2);
    const a = randomConfiguration(big.settings, 3);
    const b = copy(a);
    kernelAndScript(a, b, big.box, big.potential, () => ({ temperature: 2, swapProbability: 0.5, maxDisplacement: 0.6 }), 30);
    expect(lastRun.relistings).toBeGreaterThan(500);
    // δ doubles every 5 sweeps: each growth rebuilds the lists, in both implementations.
    kernelAndScript(a, b, big.box, big.potential, () => ({ temperature: 0.4, swapProbability: 0.2, maxDisplacement: 0.05 }), 20, (s, p) => {
      if (s.sweepsDone % 5 === 0) p.maxDisplacement *= 2;
    });
    // 2D, N = 30: the list radius reaches half the box, everyone lists everyone.
    const small = model(2, 30, 'inf');
    const c = randomConfiguration(small.settings, 4);
    const e = copy(c);
    kernelAndScript(c, e, small.box, small.potential, () => ({ temperature: 0.3, swapProbability: 0.3, maxDisplacement: 0.2 }), 50);
    expect(lastRun.relistings).toBe(0);
  });

  it('is the reference chain (every energy recomputed from a cell grid) at the benchmark settings, N = 1000, m = 2 and ∞', () => {
    for (const taper of [2, 'inf'] as const) {
      const { settings, box, potential } = model(3, 1000, taper);
      const a = randomConfiguration(settings, deriveSeed(21, String(taper)));
      swapMonteCarlo(a, box, potential, { temperature: 1, swapProbability: 0.2, maxDisplacement: 0.2 }, 10);
      const b = copy(a);
      const parameters = { temperature: 0.3, swapProbability: 0.2, maxDisplacement: 0.2 };
      swapMonteCarloReference(a, box, potential, parameters, 8);
      swapMonteCarlo(b, box, potential, parameters, 8);
      expect(lastRun.kernel).toBe(true);
      expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
      expect(Array.from(b.diameters)).toEqual(Array.from(a.diameters));
      expect(b.accepted).toEqual(a.accepted);
    }
  });

  it('decodes its base64 bytes as Node does, and refuses text that is not base64', () => {
    const rng = createRng(4);
    for (const length of [0, 1, 2, 3, 4, 5, 31, 1000]) {
      const bytes = new Uint8Array(length).map(() => Math.floor(256 * uniform(rng)));
      const text = Buffer.from(bytes).toString('base64');
      expect(Array.from(decodeBase64(text))).toEqual(Array.from(bytes));
    }
    expect(() => decodeBase64('AAA*')).toThrow(/not base64/);
  });

  const haveClang = spawnSync('clang', ['--version']).status === 0 && spawnSync('wasm-ld', ['--version']).status === 0;
  it.skipIf(!haveClang)('is committed as built: the bytes of every kernel (the swap MC, H X, the Lanczos basis, the dense path) are what scripts/build-wasm.mjs makes of their C sources now', () => {
    const check = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    for (const module of ['swapKernelBytes', 'hessianRowsBytes', 'basisBytes', 'denseKernelBytes']) expect(check.stdout).toMatch(new RegExp(`${module}\\.ts: matches a fresh build`));
    expect(check.status).toBe(0);
  });
});

describe('when the kernel fails in the middle of a run', () => {
  it('the TypeScript moves go on from the last whole sweep: the same chain as a run without the fault, and the fault is reported', () => {
    const { settings, box, potential } = model(3, 343, 'inf');
    const a = randomConfiguration(settings, 31);
    const b = copy(a);
    const parameters = { temperature: 0.3, swapProbability: 0.2, maxDisplacement: 0.2 };
    swapMonteCarlo(a, box, potential, parameters, 30);
    expect(lastRun.kernelFault).toBe('');
    const seen: number[] = [];
    try {
      fastMoves.faultAtSweep = 12;
      swapMonteCarlo(b, box, potential, parameters, 30, (s) => void seen.push(s.sweepsDone));
    } finally {
      delete fastMoves.faultAtSweep;
    }
    expect(lastRun.kernelFault).toMatch(/planted at sweep 12/);
    expect(lastRun.kernel).toBe(false);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
    expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
    expect(Array.from(b.diameters)).toEqual(Array.from(a.diameters));
    expect(Array.from(b.rng.s)).toEqual(Array.from(a.rng.s));
    expect(b.accepted).toEqual(a.accepted);
    expect(b.sweepsDone).toBe(30);
  });
});
