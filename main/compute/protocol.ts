/**
 * Messages between the main process and the hidden compute window, where gpu.js gets a GPU
 * context from Chromium (docs/DESIGN.md "Processes": webgpu, else webgl2, else webasm, else cpu).
 * Float64 arrays travel as ArrayBuffers (transferred where the sender is a page). No Electron, no DOM here:
 * the compute page, the main process and the tests share these types and the fallback rule.
 */
import type { Backend } from '../ipc/contract';
import type { ModelSettings, SpectrumSettings } from '../../engine/model/settings';

export const BACKEND_ORDER: readonly Backend[] = ['webgpu', 'webgl2', 'webasm', 'cpu'];

export type ComputeRequest =
  /** Runs a small known kernel (a matrix–vector product) and checks it against float64. */
  | { type: 'probe'; id: number; backends: Backend[] }
  /**
   * The spectrum of one inherent structure (engine/spectrum computeSpectrum: Hessian assembled and
   * diagonalised on the device, refined in float64). positions: N·d float64; diameters: N float64.
   */
  | { type: 'spectrum'; id: number; backends: Backend[]; model: ModelSettings; spectrum: SpectrumSettings; positions: ArrayBuffer; diameters: ArrayBuffer };

/** What a spectrum reply carries besides the arrays: computeSpectrum's summary (backend, residual, timings…). */
export type SpectrumSummary = Record<string, unknown> & { backend: string; residualMax: number; zeroModes: number; unstable: boolean; storedModes: number };

export interface Attempt {
  backend: Backend;
  ok: boolean;
  error?: string;
  ms?: number;
}

export type ComputeReply =
  /** Sent when an attempt begins, so that main knows which backend a crashed window was on. */
  | { type: 'attempt'; id: number; backend: Backend }
  | {
      type: 'result';
      id: number;
      backend: Backend;
      attempts: Attempt[];
      probe?: { maxError: number };
      spectrum?: { eigenvalues: ArrayBuffer; modes: ArrayBuffer; participationRatios: ArrayBuffer; summary: SpectrumSummary };
    }
  | { type: 'error'; id: number; attempts: Attempt[]; message: string };

/** Thrown by a backend whose context was lost mid-kernel; the request moves on to the next backend. */
export class ContextLostError extends Error {
  constructor(readonly backend: Backend, detail: string) {
    super(`${backend} context lost: ${detail}`);
    this.name = 'ContextLostError';
  }
}

/**
 * Tries `attempt` on each backend in order until one succeeds; every failure (an exception, a
 * lost context) is recorded and the next backend is tried. Returns the attempts either way.
 */
export async function withFallback<T>(
  backends: readonly Backend[],
  attempt: (backend: Backend) => Promise<T>,
  onAttempt: (backend: Backend) => void = () => {},
): Promise<{ ok: true; backend: Backend; value: T; attempts: Attempt[] } | { ok: false; attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  for (const backend of backends) {
    onAttempt(backend);
    const t0 = performance.now();
    try {
      const value = await attempt(backend);
      attempts.push({ backend, ok: true, ms: performance.now() - t0 });
      return { ok: true, backend, value, attempts };
    } catch (error) {
      attempts.push({ backend, ok: false, error: (error as Error).message ?? String(error), ms: performance.now() - t0 });
    }
  }
  return { ok: false, attempts };
}

/** The backends still to try after `failed` crashed the whole compute window. */
export function backendsAfter(order: readonly Backend[], failed: Backend): Backend[] {
  const k = order.indexOf(failed);
  return k < 0 ? [...order] : order.slice(k + 1);
}
