/**
 * The one place that creates a gpu.js instance (docs/DESIGN.md "Processes"). It picks the backend
 * (webgpu → webgl2 → webasm → cpu, or the one asked for), says which one it got, and disposes of
 * the kernels, pipelines and device memory it owns. Every kernel in engine/compute is created
 * through a ComputeDevice, so "what ran" is always known and recorded with a result.
 */
import { GPU } from 'gpu.js';

export type DeviceBackend = 'webgpu' | 'webgl2' | 'webasm' | 'cpu';
export type BackendRequest = 'auto' | DeviceBackend;

/** Preference order of 'auto' (docs/DESIGN.md): a real GPU first, then WebAssembly SIMD, then plain JS. */
export const BACKEND_ORDER: readonly DeviceBackend[] = ['webgpu', 'webgl2', 'webasm', 'cpu'];

export interface ComputeDevice {
  /** The backend the kernels run on. */
  readonly backend: DeviceBackend;
  /** The gpu.js instance (kernels and pipelines are created from it). */
  readonly gpu: GPU;
  /** Releases every kernel, pipeline and buffer of this device. */
  dispose(): Promise<void>;
}

export class BackendUnavailableError extends Error {
  constructor(readonly backend: string, why: string) {
    super(`gpu.js backend '${backend}' is not available here: ${why}`);
    this.name = 'BackendUnavailableError';
  }
}

/** Whether a backend can run on this host (webgpu is asked for an adapter, not just the API). */
export async function backendAvailable(backend: DeviceBackend): Promise<boolean> {
  switch (backend) {
    case 'webgpu':
      return GPU.isWebGPUSupported && (await GPU.isWebGPUAvailable());
    case 'webgl2':
      return GPU.isWebGL2Supported;
    case 'webasm':
      return GPU.isWebAssemblySupported;
    case 'cpu':
      return true;
  }
}

/** The backends that can run here, in preference order. */
export async function availableBackends(): Promise<DeviceBackend[]> {
  const out: DeviceBackend[] = [];
  for (const b of BACKEND_ORDER) if (await backendAvailable(b)) out.push(b);
  return out;
}

/**
 * Opens a compute device. 'auto' takes the first available backend of BACKEND_ORDER; a named
 * backend is taken as asked or refused with the reason (never silently replaced).
 */
export async function openDevice(request: BackendRequest = 'auto'): Promise<ComputeDevice> {
  let backend: DeviceBackend | undefined;
  if (request === 'auto') {
    for (const b of BACKEND_ORDER) {
      if (await backendAvailable(b)) {
        backend = b;
        break;
      }
    }
  } else if (await backendAvailable(request)) {
    backend = request;
  }
  if (!backend) throw new BackendUnavailableError(request, request === 'webgpu' ? 'no WebGPU adapter answered' : request === 'webgl2' ? 'no WebGL2 context (Node has none; run in Chromium)' : 'not supported by this JavaScript host');
  const gpu = new GPU({ mode: backend });
  let disposed = false;
  return {
    backend,
    gpu,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await gpu.destroy();
    },
  };
}
