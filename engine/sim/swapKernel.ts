/**
 * The WebAssembly kernel of the fast swap Monte Carlo (engine/sim/wasm/swapKernel.c, bytes in
 * swapKernelBytes.ts): the neighbour lists and the moves of monteCarloLists.ts and swapMonteCarlo.ts,
 * ported operation for operation, so that it runs the same Markov chain bit for bit
 * (tests/swap-kernel.test.ts runs both, and the reference, from one state). It owns copies of the
 * positions and diameters while it runs; `readBack` copies them, the generator and the move counts
 * into the Monte Carlo state after each sweep.
 *
 * Where WebAssembly is missing, or a synchronous compile is refused (a browser's main thread refuses
 * modules over 4 KB), `swapKernel` returns null and swapMonteCarlo runs its TypeScript moves.
 */
import type { PairPotential } from '../model/potential';
import type { Box } from '../space/box';
import type { MonteCarloState } from './moves';
import { SWAP_KERNEL_BASE64 } from './swapKernelBytes';
import { compileWasm, wasmApi } from '../wasm';

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): number;
  setRng(a: number, b: number, c: number, d: number): void;
  rngWord(k: number): number;
  setup(...args: number[]): void;
  sweep(step: number): void;
  counter(k: number): number;
  resetCounters(): void;
  relistingCount(): number;
  listCapacity(): number;
  pairGeometry(r2: number): number;
  pairAmplitude(diameterSum: number): number;
  distanceSquared(k: number, x: number, y: number, z: number): number;
  particleEnergySum(i: number): number;
}

function kernelModule(): object | null {
  return compileWasm(SWAP_KERNEL_BASE64);
}

/** Whether this host runs the kernel (WebAssembly present and the module compiles). */
export function swapKernelAvailable(): boolean {
  return kernelModule() !== null;
}

/** The constants of the factorised potential (engine/model/potential.ts pairFactors) as the kernel takes them, or undefined where it does not factorise. */
function potentialConstants(potential: PairPotential): number[] | undefined {
  const s = potential.settings;
  if (s.potential !== 'ipl') return undefined;
  const n = s.exponent;
  const rc = s.cutoff;
  const exponentKind = n === 12 ? 0 : Number.isInteger(n) && n > 0 && n <= 64 ? 1 : 2;
  const taperKind = s.taper === 2 ? 0 : s.taper === 'inf' ? 2 : 1;
  const taper = s.taper === 'inf' ? 0 : s.taper;
  return [rc, n, exponentKind, taperKind, taper, rc ** -n, 1 / (rc * rc)];
}

export interface SwapKernel {
  /** One sweep (N attempts) at step δ ≤ the δ the lists were built for. */
  sweep(delta: number): void;
  /** Positions, diameters, generator and move counts into `state`. */
  readBack(state: MonteCarloState): void;
  relistings(): number;
  listCapacity(): number;
  /** For tests: the kernel's G(r²), A(a_i + a_j), minimum-image r² to particle k, and the energy sum of i's list. */
  exports: Pick<KernelExports, 'pairGeometry' | 'pairAmplitude' | 'distanceSquared' | 'particleEnergySum'>;
}

/**
 * A kernel instance for `state` (its positions, diameters and generator copied in, lists built for
 * step `listDelta`), or null where the kernel cannot run this potential or host.
 * `bound`: the early-rejection factor of swapMonteCarlo.ts; `limits`: rejectionLimit(N), rejectionLimit(N − 1).
 */
export function swapKernel(
  state: MonteCarloState,
  box: Box,
  potential: PairPotential,
  temperature: number,
  swapProbability: number,
  listDelta: number,
  drift: number,
  bound: number,
  limits: [number, number],
): SwapKernel | null {
  const constants = potentialConstants(potential);
  const mod = kernelModule();
  if (!constants || !mod) return null;
  const k = new wasmApi!.Instance(mod, { math: { exp: Math.exp, log: Math.log, pow: Math.pow } }).exports as unknown as KernelExports;
  const d = box.dim;
  const n = state.diameters.length;
  const positionsAt = k.alloc(8 * d * n);
  const diametersAt = k.alloc(8 * n);
  new Float64Array(k.memory.buffer, positionsAt, d * n).set(state.positions);
  new Float64Array(k.memory.buffer, diametersAt, n).set(state.diameters);
  const s = state.rng.s;
  k.setRng(s[0], s[1], s[2], s[3]);
  const [rc, exponent, exponentKind, taperKind, taper, shift, inverseRc2] = constants;
  k.setup(n, d, box.side, positionsAt, diametersAt, rc, exponent, exponentKind, taperKind, taper, shift, inverseRc2, listDelta, drift, temperature, swapProbability, bound, limits[0], limits[1]);
  k.resetCounters();
  const counted = [0, 0, 0, 0];
  return {
    sweep: (delta) => k.sweep(delta),
    readBack(target) {
      target.positions.set(new Float64Array(k.memory.buffer, positionsAt, d * n));
      target.diameters.set(new Float64Array(k.memory.buffer, diametersAt, n));
      for (let w = 0; w < 4; w++) target.rng.s[w] = k.rngWord(w);
      const now = [k.counter(0), k.counter(1), k.counter(2), k.counter(3)];
      target.attempted.displacement += now[0] - counted[0];
      target.accepted.displacement += now[1] - counted[1];
      target.attempted.swap += now[2] - counted[2];
      target.accepted.swap += now[3] - counted[3];
      for (let w = 0; w < 4; w++) counted[w] = now[w];
    },
    relistings: () => k.relistingCount(),
    listCapacity: () => k.listCapacity(),
    exports: k,
  };
}
