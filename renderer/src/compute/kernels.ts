/**
 * The kernel calls of the compute window, behind two functions. Everything device-specific is in
 * the engine (engine/compute: openDevice; engine/spectrum: computeSpectrum); this file only runs
 * it on the backend it is given and turns a lost WebGL context into an error, so that the caller
 * moves on to the next backend.
 */
import { openDevice, type ComputeDevice } from '../../../engine/compute/device';
import { computeSpectrum, type SpectrumResult } from '../../../engine/spectrum';
import { makeGlass } from '../../../engine/model/glass';
import type { ModelSettings, SpectrumSettings } from '../../../engine/model/settings';
import type { Backend } from '../../../main/ipc/contract';
import { ContextLostError } from '../../../main/compute/protocol';

/** Rejects when a WebGL context of this page is lost while `work` runs. */
async function guarded<T>(backend: Backend, work: Promise<T>): Promise<T> {
  let onLost: ((event: Event) => void) | undefined;
  const lost = new Promise<never>((_, reject) => {
    onLost = (event) => {
      if ((event.target as HTMLElement | null)?.tagName === 'CANVAS') reject(new ContextLostError(backend, 'webglcontextlost'));
    };
    // The event does not bubble; capture it on the document for any canvas gpu.js made.
    document.addEventListener('webglcontextlost', onLost, true);
  });
  try {
    return await Promise.race([work, lost]);
  } finally {
    document.removeEventListener('webglcontextlost', onLost!, true);
  }
}

/** A 64 × 64 matrix–vector product on the backend, checked against float64: does this backend really compute? */
export async function probeBackend(backend: Backend): Promise<{ maxError: number }> {
  const device: ComputeDevice = await openDevice(backend);
  try {
    const n = 64;
    const a = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(i + 2 * j) / (1 + Math.abs(i - j))));
    const x = Array.from({ length: n }, (_, i) => Math.cos(i));
    const kernel = device.gpu.createKernel(
      function (this: { thread: { x: number }; constants: { n: number } }, m: number[][], v: number[]) {
        let sum = 0;
        for (let j = 0; j < this.constants.n; j++) sum += m[this.thread.x][j] * v[j];
        return sum;
      } as never,
      { output: [n], constants: { n }, precision: 'single', asyncMode: true },
    );
    const y = (await guarded(backend, Promise.resolve(kernel(a as never, x as never)))) as ArrayLike<number>;
    const ran = (kernel as unknown as { kernel?: { constructor?: { mode?: string } } }).kernel?.constructor?.mode;
    // gpu.js names its GL kernels' mode 'gpu'; what must not happen is a silent fall back to plain JS.
    if (ran === 'cpu' && backend !== 'cpu') throw new Error(`gpu.js ran the probe on 'cpu', not '${backend}'`);
    let maxError = 0;
    for (let i = 0; i < n; i++) {
      let exact = 0;
      for (let j = 0; j < n; j++) exact += a[i][j] * x[j];
      maxError = Math.max(maxError, Math.abs(y[i] - exact));
    }
    if (!(maxError < 1e-3)) throw new Error(`probe kernel disagrees with float64 by ${maxError}`);
    return { maxError };
  } finally {
    await device.dispose();
  }
}

/**
 * The spectrum of one inherent structure on the backend: engine/spectrum's computeSpectrum
 * (Hessian assembled and diagonalised on the device by gpu.js, then refined in float64 to the
 * docs/PHYSICS.md §4 contract).
 */
export async function spectrumOnBackend(backend: Backend, model: ModelSettings, spectrum: SpectrumSettings, positions: Float64Array, diameters: Float64Array): Promise<SpectrumResult> {
  return guarded(backend, computeSpectrum(makeGlass(model, diameters), positions, { ...spectrum, backend }));
}
