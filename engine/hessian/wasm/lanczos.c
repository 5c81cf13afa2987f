/*
 * The Lanczos step of engine/linalg/lowestModes.ts in parts, on a shared memory, for two threads
 * (engine/hessian/lanczosKernel.ts): the 3D Hessian product, the Chebyshev filter's recurrence, and
 * the basis operations (dot products, subtractions, the restart's Yᵀ V). Each operation is cut into
 * a fixed number of parts that do not depend on how many threads run them — part c always does the
 * same operations in the same order and writes its own output — so the results are the same bits
 * on one thread and on two, whoever claims which part.
 *
 *  - the product y = H x (one vector): part 0 the diagonal blocks and the first half of the pairs
 *    into y0, part 1 the second half of the pairs into y1 (from zero); the arithmetic per pair is
 *    engine/hessian/wasm/hessianRows.c's. The sum y0 + y1 is made by the recurrence below.
 *  - the recurrence, over PARTS ranges of the vector: with h = y0 + y1 (= H cur),
 *      mode 0: out = h;   mode 1: out = (centre cur − h) / half;
 *      mode 2: out = 2 (centre cur − h) / half − prev;   mode 3: out = −(mode 2);
 *    (T_1, T_(k+1) and −T_q of lowestModes' filter, the same expressions).
 *  - dots: over PARTS ranges, the partial sums out[c][r][k] = Σ_(i in part c) v[r][i] z[k][i] (two
 *    f64 lanes, added at the end of the part); the caller adds the parts in order.
 *  - subtract: z[k][i] −= Σ_r c[r][k] v[r][i] over the part's range, four rows at a time (basis.c's order).
 *  - combine: the first `keep` rows of V := Yᵀ V over the part's columns, in CHUNK columns at a time
 *    with the part's own scratch (basis.c's combineRows, restricted to a range).
 * Every pointer and count is read from a parameter block (i32 and f64 words) in the memory, so one
 * export `part(op, params, c)` runs any part. No stack, no allocator: the caller lays out the memory.
 * Build: node scripts/build-wasm.mjs (bytes in engine/hessian/lanczosBytes.ts).
 */
#include <wasm_simd128.h>
typedef int i32;
#define EXPORT(name) __attribute__((export_name(#name)))

#define PARTS 8
#define CHUNK 1024

enum { OP_PRODUCT = 0, OP_RECURRENCE = 1, OP_DOTS = 2, OP_SUBTRACT = 3, OP_COMBINE = 4 };

#include "../../linalg/wasm/basisOps.h"
#include "pairTerms.h"

/* The range [lo, hi) of part c of n entries (boundaries on multiples of 8 doubles: whole cache lines). */
static inline void range(i32 n, i32 c, i32 *lo, i32 *hi) {
  i32 a = (i32)(((long long)n * c / PARTS) & ~7);
  i32 b = c + 1 == PARTS ? n : (i32)(((long long)n * (c + 1) / PARTS) & ~7);
  *lo = a;
  *hi = b;
}

/* y (from the diagonal blocks, or from zero) −= the pair terms of pairs [q0, q1); hessianRows.c's product for one vector. */
static void productPart(i32 particles, const double *blocks, const i32 *pairI, const i32 *pairJ, const double *packed,
    i32 q0, i32 q1, const double *x, double *y, i32 diagonal) {
  if (diagonal) {
    for (i32 i = 0; i < particles; i++) {
      const double *b = blocks + 9 * i;
      i32 p = 3 * i;
      double x0 = x[p], x1 = x[p + 1], x2 = x[p + 2];
      y[p] = b[0] * x0 + b[1] * x1 + b[2] * x2;
      y[p + 1] = b[3] * x0 + b[4] * x1 + b[5] * x2;
      y[p + 2] = b[6] * x0 + b[7] * x1 + b[8] * x2;
    }
  } else {
    for (i32 i = 0; i < 3 * particles; i++) y[i] = 0;
  }
  for (i32 q = q0; q < q1; q++) {
    const double *b = packed + 6 * q;
    v128_t c0 = wasm_v128_load(b);
    v128_t c1 = wasm_v128_load(b + 1);
    v128_t c2 = wasm_v128_load(b + 3);
    double k02 = b[3], k12 = b[4], k22 = b[5];
    i32 i0 = 3 * pairI[q];
    i32 j0 = 3 * pairJ[q];
    pairTerms(c0, c1, c2, k02, k12, k22, x, y, i0, j0);
  }
}

/*
 * Parameter blocks (i32 words w[], f64 words f[] at params + 64):
 *  PRODUCT:    w = particles, pairs, blocks, pairI, pairJ, packed, x, y0, y1
 *  RECURRENCE: w = n, mode, out, cur, prev, y0, y1;  f = centre, half
 *  DOTS:       w = v, rows, z, cols, n, out (PARTS × rows × cols doubles)
 *  SUBTRACT:   w = v, rows, z, cols, n, c (rows × cols)
 *  COMBINE:    w = v, rows, y (rows × ldY), ldY, keep, n, tmp (PARTS × keep × CHUNK doubles)
 */
EXPORT(part) void part(i32 op, const i32 *w, i32 c) {
  const double *f = (const double *)(w + 16);
  if (op == OP_PRODUCT) {
    i32 particles = w[0], pairs = w[1];
    i32 half = pairs / 2;
    productPart(particles, (const double *)w[2], (const i32 *)w[3], (const i32 *)w[4], (const double *)w[5],
        c == 0 ? 0 : half, c == 0 ? half : pairs, (const double *)w[6], (double *)(c == 0 ? w[7] : w[8]), c == 0);
    return;
  }
  if (op == OP_RECURRENCE) {
    i32 lo, hi;
    range(w[0], c, &lo, &hi);
    i32 mode = w[1];
    double *out = (double *)w[2];
    const double *cur = (const double *)w[3], *prev = (const double *)w[4], *y0 = (const double *)w[5], *y1 = (const double *)w[6];
    double centre = f[0], halfWidth = f[1];
    if (mode == 0) for (i32 i = lo; i < hi; i++) out[i] = y0[i] + y1[i];
    else if (mode == 1) for (i32 i = lo; i < hi; i++) out[i] = (centre * cur[i] - (y0[i] + y1[i])) / halfWidth;
    else if (mode == 2) for (i32 i = lo; i < hi; i++) out[i] = (2 * (centre * cur[i] - (y0[i] + y1[i]))) / halfWidth - prev[i];
    else for (i32 i = lo; i < hi; i++) out[i] = -((2 * (centre * cur[i] - (y0[i] + y1[i]))) / halfWidth - prev[i]);
    return;
  }
  if (op == OP_DOTS) {
    const double *v = (const double *)w[0];
    i32 rows = w[1], cols = w[3], n = w[4];
    const double *z = (const double *)w[2];
    double *out = (double *)w[5] + c * rows * cols;
    i32 lo, hi;
    range(n, c, &lo, &hi);
    basisDots(v, rows, z, cols, n, out, lo, hi);
    return;
  }
  if (op == OP_SUBTRACT) {
    const double *v = (const double *)w[0];
    i32 rows = w[1], cols = w[3], n = w[4];
    double *z = (double *)w[2];
    const double *cc = (const double *)w[5];
    i32 lo, hi;
    range(n, c, &lo, &hi);
    basisSubtract(v, rows, z, cols, n, cc, lo, hi);
    return;
  }
  if (op == OP_COMBINE) {
    double *v = (double *)w[0];
    i32 rows = w[1], ldY = w[3], keep = w[4], n = w[5];
    const double *y = (const double *)w[2];
    double *tmp = (double *)w[6] + c * keep * CHUNK;
    i32 lo, hi;
    range(n, c, &lo, &hi);
    basisCombine(v, rows, y, ldY, keep, n, tmp, lo, hi);
    return;
  }
}
