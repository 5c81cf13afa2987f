/*
 * One pair's terms of the 3D Hessian product y = H x (one vector): y_i −= K_ij x_j, y_j −= K_ij x_i for
 * the symmetric pair block K_ij stored as k00 k01 k11 k02 k12 k22 (c0 = (k00, k01), c1 = (k01, k11),
 * c2 = (k02, k12) in f64x2 lanes; rows 0 and 1 in the two lanes, row 2 scalar), the operations of
 * engine/hessian/sparse.ts hessianMultiplyRows per entry. Shared by hessianRows.c and lanczos.c.
 */
static inline void pairTerms(v128_t c0, v128_t c1, v128_t c2, double k02, double k12, double k22, const double *x, double *y, i32 i0, i32 j0) {
  double xi0 = x[i0], xi1 = x[i0 + 1], xi2 = x[i0 + 2];
  double xj0 = x[j0], xj1 = x[j0 + 1], xj2 = x[j0 + 2];
  v128_t si = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(c0, wasm_f64x2_splat(xj0)), wasm_f64x2_mul(c1, wasm_f64x2_splat(xj1))), wasm_f64x2_mul(c2, wasm_f64x2_splat(xj2)));
  wasm_v128_store(y + i0, wasm_f64x2_sub(wasm_v128_load(y + i0), si));
  y[i0 + 2] -= k02 * xj0 + k12 * xj1 + k22 * xj2;
  v128_t sj = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(c0, wasm_f64x2_splat(xi0)), wasm_f64x2_mul(c1, wasm_f64x2_splat(xi1))), wasm_f64x2_mul(c2, wasm_f64x2_splat(xi2)));
  wasm_v128_store(y + j0, wasm_f64x2_sub(wasm_v128_load(y + j0), sj));
  y[j0 + 2] -= k02 * xi0 + k12 * xi1 + k22 * xi2;
}
