/*
 * The Lanczos basis operations over a range [lo, hi) of the row length n, shared by
 * engine/linalg/wasm/basis.c (the whole row: lo = 0, hi = n) and engine/hessian/wasm/lanczos.c (one
 * part's range): one code for both, so the two kernels do the same operations per element.
 *  - basisDots: out[r·cols + k] = Σ_(lo ≤ i < hi) v[r·n + i] z[k·n + i] in two f64 lanes (even and odd
 *    offsets from lo), added at the end; an odd last entry added after;
 *  - basisSubtract: z[k·n + i] −= Σ_r c[r·cols + k] v[r·n + i], four rows at a time (the scalar code's order);
 *  - basisCombine: the first `keep` rows of V := Yᵀ V over the columns [lo, hi), CHUNK at a time, tmp: keep × CHUNK.
 * Needs wasm_simd128.h, i32 and CHUNK defined before it is included.
 */
static inline double basisTotal(v128_t s) { return wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1); }

static inline void basisDots(const double *v, i32 rows, const double *z, i32 cols, i32 n, double *out, i32 lo, i32 hi) {
  i32 hi2 = lo + ((hi - lo) & ~1);
  for (i32 k = 0; k < cols; k++) {
    const double *zk = z + k * n;
    i32 r = 0;
    for (; r + 4 <= rows; r += 4) {
      const double *a = v + r * n, *b = a + n, *e = b + n, *g = e + n;
      v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (i32 i = lo; i < hi2; i += 2) {
        v128_t zi = wasm_v128_load(zk + i);
        s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(wasm_v128_load(a + i), zi));
        s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(wasm_v128_load(b + i), zi));
        s2 = wasm_f64x2_add(s2, wasm_f64x2_mul(wasm_v128_load(e + i), zi));
        s3 = wasm_f64x2_add(s3, wasm_f64x2_mul(wasm_v128_load(g + i), zi));
      }
      double t0 = basisTotal(s0), t1 = basisTotal(s1), t2 = basisTotal(s2), t3 = basisTotal(s3);
      if (hi2 < hi) {
        double zi = zk[hi2];
        t0 += a[hi2] * zi; t1 += b[hi2] * zi; t2 += e[hi2] * zi; t3 += g[hi2] * zi;
      }
      out[r * cols + k] = t0;
      out[(r + 1) * cols + k] = t1;
      out[(r + 2) * cols + k] = t2;
      out[(r + 3) * cols + k] = t3;
    }
    for (; r < rows; r++) {
      const double *a = v + r * n;
      v128_t s0 = wasm_f64x2_splat(0);
      for (i32 i = lo; i < hi2; i += 2) s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(wasm_v128_load(a + i), wasm_v128_load(zk + i)));
      double t0 = basisTotal(s0);
      if (hi2 < hi) t0 += a[hi2] * zk[hi2];
      out[r * cols + k] = t0;
    }
  }
}

static inline void basisSubtract(const double *v, i32 rows, double *z, i32 cols, i32 n, const double *cc, i32 lo, i32 hi) {
  i32 hi2 = lo + ((hi - lo) & ~1);
  for (i32 k = 0; k < cols; k++) {
    double *zk = z + k * n;
    i32 r = 0;
    for (; r + 4 <= rows; r += 4) {
      const double *a = v + r * n, *b = a + n, *e = b + n, *g = e + n;
      double c0 = cc[r * cols + k], c1 = cc[(r + 1) * cols + k], c2 = cc[(r + 2) * cols + k], c3 = cc[(r + 3) * cols + k];
      v128_t w0 = wasm_f64x2_splat(c0), w1 = wasm_f64x2_splat(c1), w2 = wasm_f64x2_splat(c2), w3 = wasm_f64x2_splat(c3);
      for (i32 i = lo; i < hi2; i += 2) {
        v128_t s = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(w0, wasm_v128_load(a + i)), wasm_f64x2_mul(w1, wasm_v128_load(b + i))), wasm_f64x2_mul(w2, wasm_v128_load(e + i))), wasm_f64x2_mul(w3, wasm_v128_load(g + i)));
        wasm_v128_store(zk + i, wasm_f64x2_sub(wasm_v128_load(zk + i), s));
      }
      for (i32 i = hi2; i < hi; i++) zk[i] -= c0 * a[i] + c1 * b[i] + c2 * e[i] + c3 * g[i];
    }
    for (; r < rows; r++) {
      const double *a = v + r * n;
      double c0 = cc[r * cols + k];
      v128_t w0 = wasm_f64x2_splat(c0);
      for (i32 i = lo; i < hi2; i += 2) wasm_v128_store(zk + i, wasm_f64x2_sub(wasm_v128_load(zk + i), wasm_f64x2_mul(w0, wasm_v128_load(a + i))));
      for (i32 i = hi2; i < hi; i++) zk[i] -= c0 * a[i];
    }
  }
}

static inline void basisCombine(double *v, i32 rows, const double *y, i32 ldY, i32 keep, i32 n, double *tmp, i32 lo, i32 hi) {
  for (i32 i0 = lo; i0 < hi; i0 += CHUNK) {
    i32 len = (hi < i0 + CHUNK ? hi : i0 + CHUNK) - i0;
    i32 len2 = len & ~1;
    for (i32 q = 0; q < keep * CHUNK; q++) tmp[q] = 0;
    i32 r = 0;
    for (; r + 4 <= rows; r += 4) {
      const double *a = v + r * n + i0, *b = a + n, *e = b + n, *g = e + n;
      for (i32 k = 0; k < keep; k++) {
        double y0 = y[r * ldY + k], y1 = y[(r + 1) * ldY + k], y2 = y[(r + 2) * ldY + k], y3 = y[(r + 3) * ldY + k];
        v128_t w0 = wasm_f64x2_splat(y0), w1 = wasm_f64x2_splat(y1), w2 = wasm_f64x2_splat(y2), w3 = wasm_f64x2_splat(y3);
        double *to = tmp + k * CHUNK;
        for (i32 i = 0; i < len2; i += 2) {
          v128_t s = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(w0, wasm_v128_load(a + i)), wasm_f64x2_mul(w1, wasm_v128_load(b + i))), wasm_f64x2_mul(w2, wasm_v128_load(e + i))), wasm_f64x2_mul(w3, wasm_v128_load(g + i)));
          wasm_v128_store(to + i, wasm_f64x2_add(wasm_v128_load(to + i), s));
        }
        for (i32 i = len2; i < len; i++) to[i] += y0 * a[i] + y1 * b[i] + y2 * e[i] + y3 * g[i];
      }
    }
    for (; r < rows; r++) {
      const double *a = v + r * n + i0;
      for (i32 k = 0; k < keep; k++) {
        double y0 = y[r * ldY + k];
        v128_t w0 = wasm_f64x2_splat(y0);
        double *to = tmp + k * CHUNK;
        for (i32 i = 0; i < len2; i += 2) wasm_v128_store(to + i, wasm_f64x2_add(wasm_v128_load(to + i), wasm_f64x2_mul(w0, wasm_v128_load(a + i))));
        for (i32 i = len2; i < len; i++) to[i] += y0 * a[i];
      }
    }
    for (i32 k = 0; k < keep; k++) {
      double *row = v + k * n + i0;
      const double *from = tmp + k * CHUNK;
      for (i32 i = 0; i < len; i++) row[i] = from[i];
    }
  }
}
