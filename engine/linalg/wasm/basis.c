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

#define CHUNK 1024
#include "basisOps.h"

/* c[r·cols + k] = Σ_i v[r·n + i] z[k·n + i], r < rows, k < cols. */
EXPORT(rowProducts) void rowProducts(const double *v, i32 rows, const double *z, i32 cols, i32 n, double *c) {
  basisDots(v, rows, z, cols, n, c, 0, n);
}

/* z[k·n + i] −= Σ_r c[r·cols + k] v[r·n + i], four rows at a time as the scalar code. */
EXPORT(subtractRows) void subtractRows(const double *v, i32 rows, double *z, i32 cols, i32 n, const double *c) {
  basisSubtract(v, rows, z, cols, n, c, 0, n);
}

/* The first `keep` rows of V replaced by Yᵀ V (column k of Y: the coefficients of new row k), in column chunks; tmp: keep × CHUNK. */
EXPORT(combineRows) void combineRows(double *v, i32 rows, const double *y, i32 ldY, i32 keep, i32 n, double *tmp) {
  basisCombine(v, rows, y, ldY, keep, n, tmp, 0, n);
}
