/**
 * gpu.js kernels (engine/compute) on the Node backends, webasm and cpu: the device Hessian, forces
 * and energy against the engine's float64 ones, and the blocked Jacobi eigensolver against the
 * float64 dense reference. Device arithmetic is float32, so agreement is to float32 accuracy.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cutoffPairs, energyAndForces } from '../engine/model/glass';
import { denseHessian, sparseHessian } from '../engine/hessian/sparse';
import { symmetricEigen } from '../engine/linalg/symmetricEigen';
import { openDevice, BackendUnavailableError, type ComputeDevice } from '../engine/compute/device';
import { createPairKernels, neighbourTable } from '../engine/compute/pairKernels';
import { blockJacobi } from '../engine/compute/blockJacobi';
import { loadStructure, centredUniform } from './helpers/reference';


const devices: ComputeDevice[] = [];
afterAll(async () => {
  for (const d of devices) await d.dispose();
});

describe('compute device', () => {
  it('refuses a backend the host lacks instead of silently replacing it (Node has no WebGL2)', async () => {
    await expect(openDevice('webgl2')).rejects.toBeInstanceOf(BackendUnavailableError);
  });
  it("'auto' in Node takes WebAssembly, the best backend a GPU-less host offers", async () => {
    const d = await openDevice('auto');
    devices.push(d);
    expect(d.backend).toBe('webasm');
  });
});

for (const backend of ['webasm', 'cpu'] as const) {
  describe(`pair kernels on ${backend}`, () => {
    for (const name of ['d3_n125_taperinf', 'd2_n100_taper2']) {
      it(`assemble the Hessian of ${name} on the device equal to the float64 engine Hessian to float32 accuracy`, async () => {
        const { glass, positions } = loadStructure(name);
        const device = await openDevice(backend);
        devices.push(device);
        const kernels = createPairKernels(device, glass, neighbourTable(glass, positions));
        const onDevice = await kernels.hessian(positions);
        const exact = denseHessian(sparseHessian(glass, positions));
        let scale = 0;
        let worst = 0;
        for (let q = 0; q < exact.length; q++) {
          scale = Math.max(scale, Math.abs(exact[q]));
          worst = Math.max(worst, Math.abs(exact[q] - onDevice[q]));
        }
        expect(worst / scale).toBeLessThan(1e-5);
        // Pairs beyond the cutoff give exact zeros on the device too (T_∞ near r_c may underflow in
        // float32, so only entries that float32 can represent are required to be present).
        let pattern = 0;
        for (let q = 0; q < exact.length; q++) if ((exact[q] === 0 && onDevice[q] !== 0) || (Math.abs(exact[q]) > 1e-6 * scale && onDevice[q] === 0)) pattern++;
        expect(pattern).toBe(0);
        // Forces of an inherent structure vanish (engine: ~1e-13), energies agree.
        const forces = await kernels.forces(positions);
        const shifted = positions.map((x, i) => x + 0.01 * Math.sin(i));
        const f64 = new Float64Array(positions.length);
        const e64 = energyAndForces(glass, shifted, cutoffPairs(glass, shifted), f64);
        const fDev = await kernels.forces(shifted);
        let fScale = 0;
        let fErr = 0;
        for (let q = 0; q < f64.length; q++) {
          fScale = Math.max(fScale, Math.abs(f64[q]));
          fErr = Math.max(fErr, Math.abs(f64[q] - fDev[q]));
        }
        expect(fErr / fScale).toBeLessThan(1e-4);
        expect(Math.max(...forces.map(Math.abs))).toBeLessThan(1e-3 * fScale);
        // energy kernel uses the neighbour table of the unshifted structure: fine for a 0.01 shift
        expect(Math.abs((await kernels.energy(shifted)) - e64) / e64).toBeLessThan(1e-5);
      });
    }

    it('blocked Jacobi diagonalises a random symmetric 90×90 matrix: eigenvalues and eigenvectors to float32 accuracy', async () => {
      const n = 90;
      const rnd = centredUniform(17);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rnd();
      const device = await openDevice(backend);
      devices.push(device);
      const offs: number[] = [];
      const r = await blockJacobi(device, a, n, { onSweep: (_, off) => offs.push(off) });
      expect(r.backend).toBe(backend);
      expect(r.sweeps).toBeGreaterThan(3);
      expect(r.sweeps).toBeLessThan(15);
      expect(offs[offs.length - 1]).toBeLessThan(1e-5);
      // Quadratic convergence: some sweep reduces off(A) by more than 100×.
      expect(offs.some((o, k) => k > 0 && o < 1e-2 * offs[k - 1])).toBe(true);
      const ref = symmetricEigen(a, n);
      const sorted = Array.from(r.values).sort((x, y) => x - y);
      const lambdaMax = Math.max(-ref.values[0], ref.values[n - 1]);
      for (let k = 0; k < n; k++) expect(Math.abs(sorted[k] - ref.values[k])).toBeLessThan(1e-4 * lambdaMax);
      let worst = 0;
      let ortho = 0;
      for (let k = 0; k < n; k++) {
        let r2 = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += a[i * n + j] * r.vectors[k * n + j];
          r2 += (s - r.values[k] * r.vectors[k * n + i]) ** 2;
        }
        worst = Math.max(worst, Math.sqrt(r2));
        for (let l = 0; l < n; l++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += r.vectors[k * n + i] * r.vectors[l * n + i];
          ortho = Math.max(ortho, Math.abs(s - (k === l ? 1 : 0)));
        }
      }
      expect(worst).toBeLessThan(1e-4 * lambdaMax);
      expect(ortho).toBeLessThan(1e-4);
    });
  });
}
