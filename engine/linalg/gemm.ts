/**
 * Dense float64 matrix product on Float64Array (row-major), shared by the divide-and-conquer merge
 * (Q·U), the compact-WY back-transformation and the blocked tridiagonalisation.
 */

/**
 * C[rowOff[j] + col + c] = Σ_p A[aOff + j·lda + p] · Bt[bOff + c·ldb + p] for j < M, c < N, p < kd
 * (C = A·B with B given transposed, so that both operands run contiguously along p; `accumulate`:
 * C += A·B). Blocked for the caches (kc × nc panels of Bt) with a 4 × 3 register tile of dot products
 * (12 accumulators and 7 operands: a 4 × 4 tile does not fit V8's 16 xmm registers and was ~10 %
 * slower here). Each C element is summed over p in order, whatever the tiling.
 */
export function gemmNT(M: number, N: number, kd: number, A: Float64Array, aOff: number, lda: number, Bt: Float64Array, bOff: number, ldb: number, C: Float64Array, rowOff: Int32Array, col: number, accumulate = false): void {
  if (M === 0 || N === 0) return;
  if (kd === 0) {
    if (accumulate) return;
    for (let j = 0; j < M; j++) C.fill(0, rowOff[j] + col, rowOff[j] + col + N);
    return;
  }
  const KC = 384;
  const NC = 60; // a multiple of the tile's 3 columns
  for (let p0 = 0; p0 < kd; p0 += KC) {
    const p1 = Math.min(kd, p0 + KC);
    const first = p0 === 0 && !accumulate;
    for (let c0 = 0; c0 < N; c0 += NC) {
      const c1 = Math.min(N, c0 + NC);
      let j = 0;
      for (; j + 4 <= M; j += 4) {
        const a0 = aOff + j * lda;
        const a1 = a0 + lda;
        const a2 = a1 + lda;
        const a3 = a2 + lda;
        const r0 = rowOff[j] + col;
        const r1 = rowOff[j + 1] + col;
        const r2 = rowOff[j + 2] + col;
        const r3 = rowOff[j + 3] + col;
        let c = c0;
        for (; c + 3 <= c1; c += 3) {
          const b0 = bOff + c * ldb;
          const b1 = b0 + ldb;
          const b2 = b1 + ldb;
          let s00 = 0, s01 = 0, s02 = 0;
          let s10 = 0, s11 = 0, s12 = 0;
          let s20 = 0, s21 = 0, s22 = 0;
          let s30 = 0, s31 = 0, s32 = 0;
          for (let p = p0; p < p1; p++) {
            const x0 = A[a0 + p];
            const x1 = A[a1 + p];
            const x2 = A[a2 + p];
            const x3 = A[a3 + p];
            const y0 = Bt[b0 + p];
            const y1 = Bt[b1 + p];
            const y2 = Bt[b2 + p];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2;
            s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2;
          }
          if (first) {
            C[r0 + c] = s00; C[r0 + c + 1] = s01; C[r0 + c + 2] = s02;
            C[r1 + c] = s10; C[r1 + c + 1] = s11; C[r1 + c + 2] = s12;
            C[r2 + c] = s20; C[r2 + c + 1] = s21; C[r2 + c + 2] = s22;
            C[r3 + c] = s30; C[r3 + c + 1] = s31; C[r3 + c + 2] = s32;
          } else {
            C[r0 + c] += s00; C[r0 + c + 1] += s01; C[r0 + c + 2] += s02;
            C[r1 + c] += s10; C[r1 + c + 1] += s11; C[r1 + c + 2] += s12;
            C[r2 + c] += s20; C[r2 + c + 1] += s21; C[r2 + c + 2] += s22;
            C[r3 + c] += s30; C[r3 + c + 1] += s31; C[r3 + c + 2] += s32;
          }
        }
        for (; c < c1; c++) {
          const b0 = bOff + c * ldb;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let p = p0; p < p1; p++) {
            const y = Bt[b0 + p];
            s0 += A[a0 + p] * y;
            s1 += A[a1 + p] * y;
            s2 += A[a2 + p] * y;
            s3 += A[a3 + p] * y;
          }
          if (first) {
            C[r0 + c] = s0; C[r1 + c] = s1; C[r2 + c] = s2; C[r3 + c] = s3;
          } else {
            C[r0 + c] += s0; C[r1 + c] += s1; C[r2 + c] += s2; C[r3 + c] += s3;
          }
        }
      }
      for (; j < M; j++) {
        const a0 = aOff + j * lda;
        const r0 = rowOff[j] + col;
        for (let c = c0; c < c1; c++) {
          const b0 = bOff + c * ldb;
          let s = 0;
          for (let p = p0; p < p1; p++) s += A[a0 + p] * Bt[b0 + p];
          if (first) C[r0 + c] = s;
          else C[r0 + c] += s;
        }
      }
    }
  }
}

/**
 * C[cOff + j·ldc + c] = Σ_p A[aOff + j·lda + p] · B[bOff + p·ldb + c] for j < M, c < N, p < kd
 * (C = A·B, both row-major; `accumulate`: C += A·B). The same 4 × 3 register tile as gemmNT, B read
 * along its rows; rows of C left over by the tile are done as axpy sweeps over B's rows. Used by the
 * triangular solves with several right-hand sides (engine/hessian/multifrontalLDL.ts), where
 * the factor's panels are read transposed.
 */
export function gemmNN(M: number, N: number, kd: number, A: Float64Array, aOff: number, lda: number, B: Float64Array, bOff: number, ldb: number, C: Float64Array, cOff: number, ldc: number, accumulate = false): void {
  if (M === 0 || N === 0) return;
  if (!accumulate) for (let j = 0; j < M; j++) C.fill(0, cOff + j * ldc, cOff + j * ldc + N);
  if (kd === 0) return;
  const KC = 256;
  const NC = 96;
  for (let p0 = 0; p0 < kd; p0 += KC) {
    const p1 = Math.min(kd, p0 + KC);
    for (let c0 = 0; c0 < N; c0 += NC) {
      const c1 = Math.min(N, c0 + NC);
      let j = 0;
      for (; j + 4 <= M; j += 4) {
        const a0 = aOff + j * lda;
        const a1 = a0 + lda;
        const a2 = a1 + lda;
        const a3 = a2 + lda;
        const r0 = cOff + j * ldc;
        const r1 = r0 + ldc;
        const r2 = r1 + ldc;
        const r3 = r2 + ldc;
        let c = c0;
        for (; c + 3 <= c1; c += 3) {
          let s00 = 0, s01 = 0, s02 = 0;
          let s10 = 0, s11 = 0, s12 = 0;
          let s20 = 0, s21 = 0, s22 = 0;
          let s30 = 0, s31 = 0, s32 = 0;
          let b = bOff + p0 * ldb + c;
          for (let p = p0; p < p1; p++, b += ldb) {
            const x0 = A[a0 + p];
            const x1 = A[a1 + p];
            const x2 = A[a2 + p];
            const x3 = A[a3 + p];
            const y0 = B[b];
            const y1 = B[b + 1];
            const y2 = B[b + 2];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2;
            s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2;
          }
          C[r0 + c] += s00; C[r0 + c + 1] += s01; C[r0 + c + 2] += s02;
          C[r1 + c] += s10; C[r1 + c + 1] += s11; C[r1 + c + 2] += s12;
          C[r2 + c] += s20; C[r2 + c + 1] += s21; C[r2 + c + 2] += s22;
          C[r3 + c] += s30; C[r3 + c + 1] += s31; C[r3 + c + 2] += s32;
        }
        for (; c < c1; c++) {
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          let b = bOff + p0 * ldb + c;
          for (let p = p0; p < p1; p++, b += ldb) {
            const y = B[b];
            s0 += A[a0 + p] * y;
            s1 += A[a1 + p] * y;
            s2 += A[a2 + p] * y;
            s3 += A[a3 + p] * y;
          }
          C[r0 + c] += s0; C[r1 + c] += s1; C[r2 + c] += s2; C[r3 + c] += s3;
        }
      }
      for (; j < M; j++) {
        const a0 = aOff + j * lda;
        const r0 = cOff + j * ldc;
        // Four rows of B per sweep over the row of C.
        let p = p0;
        for (; p + 4 <= p1; p += 4) {
          const x0 = A[a0 + p];
          const x1 = A[a0 + p + 1];
          const x2 = A[a0 + p + 2];
          const x3 = A[a0 + p + 3];
          const b0 = bOff + p * ldb;
          const b1 = b0 + ldb;
          const b2 = b1 + ldb;
          const b3 = b2 + ldb;
          for (let c = c0; c < c1; c++) C[r0 + c] += x0 * B[b0 + c] + x1 * B[b1 + c] + x2 * B[b2 + c] + x3 * B[b3 + c];
        }
        for (; p < p1; p++) {
          const x = A[a0 + p];
          const b0 = bOff + p * ldb;
          for (let c = c0; c < c1; c++) C[r0 + c] += x * B[b0 + c];
        }
      }
    }
  }
}
