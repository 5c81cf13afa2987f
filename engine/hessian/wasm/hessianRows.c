/*
 * Y = H X for `count` vectors stored as rows (count × 3N), 3D: engine/hessian/sparse.ts
 * hessianMultiplyRows ported operation for operation, so that it returns the same bits (each entry
 * of Y gets the same products and sums in the same order; the pair of a block's rows 0 and 1 is
 * done in the two f64x2 lanes, whose lane-wise arithmetic is that of the scalar code).
 *
 * The layout is the kernel's own:
 *  - a pair block is stored as its 6 distinct entries k00 k01 k11 k02 k12 k22 (the blocks of a
 *    central pair potential are symmetric, and the scalar code reads only those six): 48 bytes
 *    instead of 72 (engine/hessian/hessianRows.ts packs them);
 *  - for count > 1 the vectors are interleaved particle by particle (x[i][c][0..2]) in work arrays,
 *    so that a pair reads its block once for all count vectors and touches two contiguous runs of
 *    x and y (measured ~15 % less per vector at count = 4, N = 10^4; docs/SPECTRUM.md).
 * Build: node scripts/build-wasm.mjs (bytes in engine/hessian/hessianRowsBytes.ts).
 */
#include <wasm_simd128.h>
typedef int i32;
typedef unsigned int u32;
#define EXPORT(name) __attribute__((export_name(#name)))

#include "../../wasmAlloc.h"
#include "pairTerms.h"

/* The product on `count` vectors 3 apart, with stride s between particles (3: one vector; 3 count: interleaved). */
static void product(i32 particles, i32 pairs, const double *blocks, const i32 *pairI, const i32 *pairJ,
    const double *packed, const double *x, double *y, i32 count, i32 s) {
  for (i32 i = 0; i < particles; i++) {
    const double *b = blocks + 9 * i;
    for (i32 c = 0; c < count; c++) {
      i32 p = s * i + 3 * c;
      double x0 = x[p], x1 = x[p + 1], x2 = x[p + 2];
      y[p] = b[0] * x0 + b[1] * x1 + b[2] * x2;
      y[p + 1] = b[3] * x0 + b[4] * x1 + b[5] * x2;
      y[p + 2] = b[6] * x0 + b[7] * x1 + b[8] * x2;
    }
  }
  for (i32 q = 0; q < pairs; q++) {
    const double *b = packed + 6 * q;
    /* c0 = (k00, k01), c1 = (k01, k11), c2 = (k02, k12) */
    v128_t c0 = wasm_v128_load(b);
    v128_t c1 = wasm_v128_load(b + 1);
    v128_t c2 = wasm_v128_load(b + 3);
    double k02 = b[3], k12 = b[4], k22 = b[5];
    i32 pi = s * pairI[q];
    i32 pj = s * pairJ[q];
    for (i32 c = 0; c < count; c++) {
      i32 i0 = pi + 3 * c;
      i32 j0 = pj + 3 * c;
      /* y[i0] -= k00 xj0 + k01 xj1 + k02 xj2;  y[i0 + 1] -= k01 xj0 + k11 xj1 + k12 xj2 (lanes 0, 1) */
      pairTerms(c0, c1, c2, k02, k12, k22, x, y, i0, j0);
    }
  }
}

/* Y = H X, X and Y rows (count × 3N); for count > 1 through the interleaved work arrays xw, yw (count × 3N each). */
EXPORT(multiply3) void multiply3(i32 particles, i32 pairs, const double *blocks, const i32 *pairI, const i32 *pairJ,
    const double *packed, const double *x, double *y, i32 count, double *xw, double *yw) {
  i32 n = 3 * particles;
  if (count == 1) {
    product(particles, pairs, blocks, pairI, pairJ, packed, x, y, 1, 3);
    return;
  }
  i32 s = 3 * count;
  for (i32 c = 0; c < count; c++)
    for (i32 i = 0; i < particles; i++)
      for (i32 a = 0; a < 3; a++) xw[s * i + 3 * c + a] = x[c * n + 3 * i + a];
  product(particles, pairs, blocks, pairI, pairJ, packed, xw, yw, count, s);
  for (i32 c = 0; c < count; c++)
    for (i32 i = 0; i < particles; i++)
      for (i32 a = 0; a < 3; a++) y[c * n + 3 * i + a] = yw[s * i + 3 * c + a];
}
