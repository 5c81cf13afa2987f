/**
 * Browser entry of tests/browser/spectrum.test.ts: bundled with esbuild and loaded into Chromium,
 * where gpu.js has its webgl2 and webgpu backends (SwiftShader). Exposes the engine's compute
 * kernels to the test driver on `window`.
 */
import { openDevice, availableBackends, type DeviceBackend } from '../../engine/compute/device';
import { blockJacobi } from '../../engine/compute/blockJacobi';
import { createPairKernels, neighbourTable } from '../../engine/compute/pairKernels';
import { makeGlass } from '../../engine/model/glass';
import type { ModelSettings } from '../../engine/model/settings';

async function runJacobi(backend: DeviceBackend, matrix: number[], n: number) {
  const device = await openDevice(backend);
  try {
    const r = await blockJacobi(device, matrix, n);
    return { values: Array.from(r.values), vectors: Array.from(r.vectors), sweeps: r.sweeps, offNorms: r.offNorms, backend: r.backend, executor: r.executor, device: device.backend };
  } finally {
    await device.dispose();
  }
}

async function runHessian(backend: DeviceBackend, model: ModelSettings, diameters: number[], positions: number[]) {
  const device = await openDevice(backend);
  try {
    const glass = makeGlass(model, Float64Array.from(diameters));
    const pos = Float64Array.from(positions);
    const kernels = createPairKernels(device, glass, neighbourTable(glass, pos));
    return { hessian: Array.from(await kernels.hessian(pos)), device: device.backend };
  } finally {
    await device.dispose();
  }
}

Object.assign(globalThis, { glassmodesCompute: { runJacobi, runHessian, availableBackends } });
(globalThis as unknown as { glassmodesReady: boolean }).glassmodesReady = true;
