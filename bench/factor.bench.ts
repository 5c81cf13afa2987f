/**
 * The supernodal multifrontal LDLᵀ of H − σI (engine/hessian/multifrontalLDL.ts, the lowest-K
 * certificate's factor) on one and on two gemm threads (engine/io/gemmWorker.ts): seconds, GFlop/s
 * and whether the two give the same bits (pivots and panels). A 3D m = 2 T* = ∞ glass, quenched
 * and cached in $TMPDIR/glassmodes-bench-lowest as bench/lowest.bench.ts does.
 *
 *   node --import tsx bench/factor.bench.ts [--particles 10000] [--sigma 0.6] [--repeats 1]
 */
import { sparseHessian } from '../engine/hessian/sparse';
import { factorShifted, supernodalCost, supernodesOf } from '../engine/hessian/multifrontalLDL';
import { nestedDissectionOrder, symbolicFactor } from '../engine/hessian/sparseLDL';
import { makeGlass } from '../engine/model/glass';
import { boxSide } from '../engine/model/settings';
import { benchGlass } from './benchGlass';
import { installGemmWorker } from '../engine/io/gemmWorker';
import { gemmSplitCount } from '../engine/linalg/gemmThreads';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const particles = Number(arg('--particles', '10000'));
const sigma = Number(arg('--sigma', '0.6'));
const repeats = Number(arg('--repeats', '1'));
const { settings, positions, diameters } = benchGlass(particles);
const h = sparseHessian(makeGlass(settings.model, diameters), positions);
const symbolic = symbolicFactor(h, nestedDissectionOrder(h, positions, boxSide(settings.model)), { maxFlops: Infinity, maxBlocks: Infinity }).factor!;
const sn = supernodesOf(symbolic);
const cost = supernodalCost(sn, 3);
console.log(`N = ${particles}, σ = ${sigma}: ${cost.flops.toExponential(2)} flops, ${((cost.entries * 8) / 1e6).toFixed(0)} MB of factor, largest front ${cost.largestFront}`);

/** A digest of the bits: a float64 sum is not enough (it could hide swaps), so an FNV-1a hash of the 32-bit words. */
function digest(arrays: Float64Array[]): string {
  let x = 0x811c9dc5;
  for (const a of arrays) {
    const w = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
    for (let i = 0; i < w.length; i++) x = Math.imul(x ^ w[i], 0x01000193) >>> 0;
  }
  return x.toString(16).padStart(8, '0');
}

const digests = new Set<string>();
for (let r = 0; r < repeats; r++) {
  for (const threads of [2, 1]) {
    installGemmWorker({ enabled: threads === 2 });
    const splits = gemmSplitCount();
    const t0 = performance.now();
    const f = factorShifted(h, sigma, symbolic, sn);
    const seconds = (performance.now() - t0) / 1000;
    const d = digest([f.pivots, ...f.panels]);
    digests.add(d);
    console.log(`${threads} gemm thread${threads > 1 ? 's' : ''}: ${seconds.toFixed(2)} s (${(f.flops / seconds / 1e9).toFixed(1)} GFlop/s, ${gemmSplitCount() - splits} split products), inertia ${f.negative}/${f.zero}/${f.positive}, bits ${d}`);
  }
}
installGemmWorker({ enabled: false });
console.log(digests.size === 1 ? 'the same bits on 1 and 2 threads' : `DIFFERENT bits: ${[...digests].join(', ')}`);
