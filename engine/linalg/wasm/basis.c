/*
 * The Lanczos basis operations of engine/linalg/lowestModes.ts (rowProducts, subtractRows,
 * combineRows) as WebAssembly SIMD kernels over rows of length n (two f64 lanes along the row).
 * subtractRows and combineRows do per element exactly the scalar code's operations in its order
 * (the same bits); rowProducts sums each dot product in two lanes (even and odd i) and adds them at
 * the end, a different order from the scalar loop (results differ in the last bits).
 * Build: node scripts/build-wasm.mjs (bytes in engine/linalg/basisBytes.ts).
 */
#include <wasm_simd128.h>
typedef int i32;
typedef unsigned int u32;
#define EXPORT(name) __attribute__((export_name(#name)))

#include "../../wasmAlloc.h"

static inline double total(v128_t s) { return wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1); }

/* c[r·cols + k] = Σ_i v[r·n + i] z[k·n + i], r < rows, k < cols. */
EXPORT(rowProducts) void rowProducts(const double *v, i32 rows, const double *z, i32 cols, i32 n, double *c) {
  i32 n2 = n & ~1;
  for (i32 k = 0; k < cols; k++) {
    const double *zk = z + k * n;
    i32 r = 0;
    for (; r + 4 <= rows; r += 4) {
      const double *a = v + r * n, *b = a + n, *e = b + n, *f = e + n;
      v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (i32 i = 0; i < n2; i += 2) {
        v128_t zi = wasm_v128_load(zk + i);
        s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(wasm_v128_load(a + i), zi));
        s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(wasm_v128_load(b + i), zi));
        s2 = wasm_f64x2_add(s2, wasm_f64x2_mul(wasm_v128_load(e + i), zi));
        s3 = wasm_f64x2_add(s3, wasm_f64x2_mul(wasm_v128_load(f + i), zi));
      }
      double t0 = total(s0), t1 = total(s1), t2 = total(s2), t3 = total(s3);
      if (n2 < n) {
        double zi = zk[n2];
        t0 += a[n2] * zi; t1 += b[n2] * zi; t2 += e[n2] * zi; t3 += f[n2] * zi;
      }
      c[r * cols + k] = t0;
      c[(r + 1) * cols + k] = t1;
      c[(r + 2) * cols + k] = t2;
      c[(r + 3) * cols + k] = t3;
    }
    for (; r < rows; r++) {
      const double *a = v + r * n;
      v128_t s0 = wasm_f64x2_splat(0);
      for (i32 i = 0; i < n2; i += 2) s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(wasm_v128_load(a + i), wasm_v128_load(zk + i)));
      double t0 = total(s0);
      if (n2 < n) t0 += a[n2] * zk[n2];
      c[r * cols + k] = t0;
    }
  }
}

/* z[k·n + i] −= Σ_r c[r·cols + k] v[r·n + i], four rows at a time as the scalar code. */
EXPORT(subtractRows) void subtractRows(const double *v, i32 rows, double *z, i32 cols, i32 n, const double *c) {
  i32 n2 = n & ~1;
  for (i32 k = 0; k < cols; k++) {
    double *zk = z + k * n;
    i32 r = 0;
    for (; r + 4 <= rows; r += 4) {
      const double *a = v + r * n, *b = a + n, *e = b + n, *f = e + n;
      double c0 = c[r * cols + k], c1 = c[(r + 1) * cols + k], c2 = c[(r + 2) * cols + k], c3 = c[(r + 3) * cols + k];
      v128_t w0 = wasm_f64x2_splat(c0), w1 = wasm_f64x2_splat(c1), w2 = wasm_f64x2_splat(c2), w3 = wasm_f64x2_splat(c3);
      for (i32 i = 0; i < n2; i += 2) {
        v128_t s = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(w0, wasm_v128_load(a + i)), wasm_f64x2_mul(w1, wasm_v128_load(b + i))), wasm_f64x2_mul(w2, wasm_v128_load(e + i))), wasm_f64x2_mul(w3, wasm_v128_load(f + i)));
        wasm_v128_store(zk + i, wasm_f64x2_sub(wasm_v128_load(zk + i), s));
      }
      for (i32 i = n2; i < n; i++) zk[i] -= c0 * a[i] + c1 * b[i] + c2 * e[i] + c3 * f[i];
    }
    for (; r < rows; r++) {
      const double *a = v + r * n;
      double c0 = c[r * cols + k];
      v128_t w0 = wasm_f64x2_splat(c0);
      for (i32 i = 0; i < n2; i += 2) wasm_v128_store(zk + i, wasm_f64x2_sub(wasm_v128_load(zk + i), wasm_f64x2_mul(w0, wasm_v128_load(a + i))));
      for (i32 i = n2; i < n; i++) zk[i] -= c0 * a[i];
    }
  }
}

#define CHUNK 1024
/* The first `keep` rows of V replaced by Yᵀ V (column k of Y: the coefficients of new row k), in column chunks; tmp: keep × CHUNK. */
EXPORT(combineRows) void combineRows(double *v, i32 rows, const double *y, i32 ldY, i32 keep, i32 n, double *tmp) {
  for (i32 i0 = 0; i0 < n; i0 += CHUNK) {
    i32 len = (n < i0 + CHUNK ? n : i0 + CHUNK) - i0;
    i32 len2 = len & ~1;
    for (i32 q = 0; q < keep * CHUNK; q++) tmp[q] = 0;
    i32 r = 0;
    for (; r + 4 <= rows; r += 4) {
      const double *a = v + r * n + i0, *b = a + n, *e = b + n, *f = e + n;
      for (i32 k = 0; k < keep; k++) {
        double y0 = y[r * ldY + k], y1 = y[(r + 1) * ldY + k], y2 = y[(r + 2) * ldY + k], y3 = y[(r + 3) * ldY + k];
        v128_t w0 = wasm_f64x2_splat(y0), w1 = wasm_f64x2_splat(y1), w2 = wasm_f64x2_splat(y2), w3 = wasm_f64x2_splat(y3);
        double *to = tmp + k * CHUNK;
        for (i32 i = 0; i < len2; i += 2) {
          v128_t s = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(w0, wasm_v128_load(a + i)), wasm_f64x2_mul(w1, wasm_v128_load(b + i))), wasm_f64x2_mul(w2, wasm_v128_load(e + i))), wasm_f64x2_mul(w3, wasm_v128_load(f + i)));
          wasm_v128_store(to + i, wasm_f64x2_add(wasm_v128_load(to + i), s));
        }
        for (i32 i = len2; i < len; i++) to[i] += y0 * a[i] + y1 * b[i] + y2 * e[i] + y3 * f[i];
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
