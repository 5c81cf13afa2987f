/*
 * WebAssembly SIMD (f64x2) kernels of the float64 dense eigensolver, compiled to the byte array of
 * engine/linalg/wasm/kernels.ts by scripts/build-wasm-kernels.mjs (clang --target=wasm32 -O3
 * -msimd128; the memory is imported: the kernels run on the memory of engine/linalg/simdGemm.ts's
 * SimdHeap, beside its gemm). Leaf functions on caller-given addresses: no stack, no data, no libc.
 * IEEE float64 throughout (no fused multiply-add in wasm SIMD 1.0): only the order of the sums
 * differs from the JavaScript loops, and it is fixed, so results are the same bits every run.
 */
#include <wasm_simd128.h>

typedef double f64;

/*
 * p[0 … m−1] = A v for the symmetric m × m matrix A whose lower triangle is row r, columns 0 … r, of
 * the row-major `a` (row stride lda doubles); v[0 … m−1]. Four rows at a time: one pass over their
 * common columns gives four dot products (the strict upper triangle's part of p[r … r+3], two lanes
 * each, summed even/odd and then together) and one combined update of p[0 … r−1] (the lower part);
 * then the 4 × 4 diagonal block in scalar code, then the last m mod 4 rows.
 */
__attribute__((export_name("symv"))) void symv(int m, const f64 *a, int lda, const f64 *v, f64 *p) {
  for (int k = 0; k < m; k++) p[k] = 0;
  int r = 0;
  for (; r + 4 <= m; r += 4) {
    const f64 *a0 = a + r * lda;
    const f64 *a1 = a0 + lda;
    const f64 *a2 = a1 + lda;
    const f64 *a3 = a2 + lda;
    const v128_t v0 = wasm_f64x2_splat(v[r]);
    const v128_t v1 = wasm_f64x2_splat(v[r + 1]);
    const v128_t v2 = wasm_f64x2_splat(v[r + 2]);
    const v128_t v3 = wasm_f64x2_splat(v[r + 3]);
    v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (int k = 0; k < r; k += 2) { /* r is a multiple of 4 */
      const v128_t x = wasm_v128_load(v + k);
      const v128_t y0 = wasm_v128_load(a0 + k);
      const v128_t y1 = wasm_v128_load(a1 + k);
      const v128_t y2 = wasm_v128_load(a2 + k);
      const v128_t y3 = wasm_v128_load(a3 + k);
      s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(y0, x));
      s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(y1, x));
      s2 = wasm_f64x2_add(s2, wasm_f64x2_mul(y2, x));
      s3 = wasm_f64x2_add(s3, wasm_f64x2_mul(y3, x));
      v128_t u = wasm_f64x2_add(wasm_f64x2_mul(y0, v0), wasm_f64x2_mul(y1, v1));
      u = wasm_f64x2_add(u, wasm_f64x2_add(wasm_f64x2_mul(y2, v2), wasm_f64x2_mul(y3, v3)));
      wasm_v128_store(p + k, wasm_f64x2_add(wasm_v128_load(p + k), u));
    }
    p[r] += wasm_f64x2_extract_lane(s0, 0) + wasm_f64x2_extract_lane(s0, 1);
    p[r + 1] += wasm_f64x2_extract_lane(s1, 0) + wasm_f64x2_extract_lane(s1, 1);
    p[r + 2] += wasm_f64x2_extract_lane(s2, 0) + wasm_f64x2_extract_lane(s2, 1);
    p[r + 3] += wasm_f64x2_extract_lane(s3, 0) + wasm_f64x2_extract_lane(s3, 1);
    for (int t = r; t < r + 4; t++) {
      const f64 *at = a + t * lda;
      const f64 vt = v[t];
      f64 s = 0;
      for (int k = r; k < t; k++) {
        s += at[k] * v[k];
        p[k] += at[k] * vt;
      }
      p[t] += s + at[t] * vt;
    }
  }
  for (; r < m; r++) {
    const f64 *ar = a + r * lda;
    const f64 vr = v[r];
    f64 s = 0;
    for (int k = 0; k < r; k++) {
      s += ar[k] * v[k];
      p[k] += ar[k] * vr;
    }
    p[r] += s + ar[r] * vr;
  }
}
