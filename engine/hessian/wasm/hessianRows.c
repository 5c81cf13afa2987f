/*
 * Y = H X for `count` vectors stored as rows (count × 3N), 3D: engine/hessian/sparse.ts
 * hessianMultiplyRows ported operation for operation, so that it returns the same bits (each entry
 * of Y gets the same products and sums in the same order; the pair of a block's rows 0 and 1 is
 * done in the two f64x2 lanes, whose lane-wise arithmetic is that of the scalar code).
 * Build: node scripts/build-wasm.mjs (bytes in engine/hessian/hessianRowsBytes.ts).
 */
#include <wasm_simd128.h>
typedef int i32;
typedef unsigned int u32;
#define EXPORT(name) __attribute__((export_name(#name)))

#include "../../wasmAlloc.h"

EXPORT(multiply3) void multiply3(i32 particles, i32 pairs, const double *blocks, const i32 *pairI, const i32 *pairJ,
    const double *pairBlocks, const double *x, double *y, i32 count) {
  i32 n = 3 * particles;
  for (i32 c = 0; c < count; c++) {
    i32 o = c * n;
    for (i32 i = 0; i < particles; i++) {
      const double *b = blocks + 9 * i;
      i32 p = o + 3 * i;
      double x0 = x[p], x1 = x[p + 1], x2 = x[p + 2];
      y[p] = b[0] * x0 + b[1] * x1 + b[2] * x2;
      y[p + 1] = b[3] * x0 + b[4] * x1 + b[5] * x2;
      y[p + 2] = b[6] * x0 + b[7] * x1 + b[8] * x2;
    }
  }
  for (i32 q = 0; q < pairs; q++) {
    const double *b = pairBlocks + 9 * q;
    double k00 = b[0], k01 = b[1], k02 = b[2], k11 = b[4], k12 = b[5], k22 = b[8];
    v128_t c0 = wasm_f64x2_make(k00, k01);
    v128_t c1 = wasm_f64x2_make(k01, k11);
    v128_t c2 = wasm_f64x2_make(k02, k12);
    i32 pi = 3 * pairI[q];
    i32 pj = 3 * pairJ[q];
    for (i32 c = 0; c < count; c++) {
      i32 i0 = c * n + pi;
      i32 j0 = c * n + pj;
      double xi0 = x[i0], xi1 = x[i0 + 1], xi2 = x[i0 + 2];
      double xj0 = x[j0], xj1 = x[j0 + 1], xj2 = x[j0 + 2];
      /* y[i0] -= k00 xj0 + k01 xj1 + k02 xj2;  y[i0 + 1] -= k01 xj0 + k11 xj1 + k12 xj2 (lanes 0, 1) */
      v128_t si = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(c0, wasm_f64x2_splat(xj0)), wasm_f64x2_mul(c1, wasm_f64x2_splat(xj1))), wasm_f64x2_mul(c2, wasm_f64x2_splat(xj2)));
      wasm_v128_store(y + i0, wasm_f64x2_sub(wasm_v128_load(y + i0), si));
      y[i0 + 2] -= k02 * xj0 + k12 * xj1 + k22 * xj2;
      v128_t sj = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(c0, wasm_f64x2_splat(xi0)), wasm_f64x2_mul(c1, wasm_f64x2_splat(xi1))), wasm_f64x2_mul(c2, wasm_f64x2_splat(xi2)));
      wasm_v128_store(y + j0, wasm_f64x2_sub(wasm_v128_load(y + j0), sj));
      y[j0 + 2] -= k02 * xi0 + k12 * xi1 + k22 * xi2;
    }
  }
}
