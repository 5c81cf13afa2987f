/*
 * WebAssembly SIMD (f64x2) kernels of the float64 dense eigensolver, compiled to the bytes of
 * engine/linalg/denseKernelBytes.ts by scripts/build-wasm.mjs (clang --target=wasm32 -O3
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

/*
 * The panel of the blocked tridiagonalisation (dlatrd): vectors V_q = v0 + q·vs and W_q = w0 + q·ws,
 * q < j (strides in doubles, may be negative: the V rows run upwards in the matrix).
 * panel_update: y[k] −= Σ_q (α[q] V_q[k] + β[q] W_q[k]), k < len, two q at a time
 * (y[k] −= (α_q V_q[k] + β_q W_q[k]) + (α_(q+1) V_(q+1)[k] + β_(q+1) W_(q+1)[k])).
 */
__attribute__((export_name("panel_update"))) void panel_update(int len, int j, f64 *y, const f64 *v0, int vs, const f64 *w0, int ws, const f64 *alpha, const f64 *beta) {
  const int len2 = len & ~1;
  int q = 0;
  for (; q + 2 <= j; q += 2) {
    const f64 *va = v0 + q * vs, *vb = va + vs;
    const f64 *wa = w0 + q * ws, *wb = wa + ws;
    const f64 a0 = alpha[q], b0 = beta[q], a1 = alpha[q + 1], b1 = beta[q + 1];
    const v128_t A0 = wasm_f64x2_splat(a0), B0 = wasm_f64x2_splat(b0), A1 = wasm_f64x2_splat(a1), B1 = wasm_f64x2_splat(b1);
    for (int k = 0; k < len2; k += 2) {
      const v128_t s0 = wasm_f64x2_add(wasm_f64x2_mul(A0, wasm_v128_load(va + k)), wasm_f64x2_mul(B0, wasm_v128_load(wa + k)));
      const v128_t s1 = wasm_f64x2_add(wasm_f64x2_mul(A1, wasm_v128_load(vb + k)), wasm_f64x2_mul(B1, wasm_v128_load(wb + k)));
      wasm_v128_store(y + k, wasm_f64x2_sub(wasm_v128_load(y + k), wasm_f64x2_add(s0, s1)));
    }
    for (int k = len2; k < len; k++) y[k] -= (a0 * va[k] + b0 * wa[k]) + (a1 * vb[k] + b1 * wb[k]);
  }
  for (; q < j; q++) {
    const f64 *va = v0 + q * vs, *wa = w0 + q * ws;
    const f64 a0 = alpha[q], b0 = beta[q];
    const v128_t A0 = wasm_f64x2_splat(a0), B0 = wasm_f64x2_splat(b0);
    for (int k = 0; k < len2; k += 2) {
      const v128_t s0 = wasm_f64x2_add(wasm_f64x2_mul(A0, wasm_v128_load(va + k)), wasm_f64x2_mul(B0, wasm_v128_load(wa + k)));
      wasm_v128_store(y + k, wasm_f64x2_sub(wasm_v128_load(y + k), s0));
    }
    for (int k = len2; k < len; k++) y[k] -= a0 * va[k] + b0 * wa[k];
  }
}

/*
 * panel_dots: dv[q] = Σ_k V_q[k] x[k] and dw[q] = Σ_k W_q[k] x[k], k < len, q < j (two lanes, even
 * and odd k, summed at the end, then the odd last k).
 */
__attribute__((export_name("panel_dots"))) void panel_dots(int len, int j, const f64 *x, const f64 *v0, int vs, const f64 *w0, int ws, f64 *dv, f64 *dw) {
  const int len2 = len & ~1;
  for (int q = 0; q < j; q++) {
    const f64 *va = v0 + q * vs, *wa = w0 + q * ws;
    v128_t sv = wasm_f64x2_splat(0), sw = sv;
    for (int k = 0; k < len2; k += 2) {
      const v128_t xk = wasm_v128_load(x + k);
      sv = wasm_f64x2_add(sv, wasm_f64x2_mul(wasm_v128_load(va + k), xk));
      sw = wasm_f64x2_add(sw, wasm_f64x2_mul(wasm_v128_load(wa + k), xk));
    }
    f64 tv = wasm_f64x2_extract_lane(sv, 0) + wasm_f64x2_extract_lane(sv, 1);
    f64 tw = wasm_f64x2_extract_lane(sw, 0) + wasm_f64x2_extract_lane(sw, 1);
    if (len2 < len) {
      tv += va[len2] * x[len2];
      tw += wa[len2] * x[len2];
    }
    dv[q] = tv;
    dw[q] = tw;
  }
}
