/**
 * Results for the views: analysis/, a sample's spectrum, one mode's geometry, per-particle fields.
 * The reading and computing is engine/io/results.ts, run in one long-lived worker thread
 * (engine/io/resultsWorker.ts) so the main process never blocks; requests queue in the worker.
 * A worker that dies fails its pending requests with the reason and is restarted on the next one.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../engine/io/runner';
import type { ResultsMethod } from '../../engine/io/resultsWorker';
import type { AnalysisData, ModeData, ParticleFields, SampleSpectrum } from '../../engine/io/results';
import type { ModeExportFile } from '../../engine/io/modeExport';
import type { AnalysisProgressEvent } from '../ipc/contract';

export interface ResultsServiceOptions {
  /** Worker script for bundled hosts (the Electron main bundle ships engine/io/resultsWorker). */
  workerScript?: string | URL;
}

const SPECTRUM_CACHE_SIZE = 8;

/** An error from the worker, keeping the engine's error name (ProjectError, FormatError, …). */
class ResultsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class ResultsService {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; onProgress?: (p: AnalysisProgressEvent) => void }>();
  private readonly progressListeners = new Set<(event: AnalysisProgressEvent) => void>();
  /** Recent sample spectra (ω₀ needs the elastic moduli: ~1 s at N = 1000), keyed by the files they come from. */
  private readonly spectra = new Map<string, Promise<SampleSpectrum>>();

  constructor(private readonly options: ResultsServiceOptions = {}) {}

  analysis(dir: string): Promise<AnalysisData | null> {
    return this.request('analysisData', dir) as Promise<AnalysisData | null>;
  }

  analyze(dir: string): Promise<AnalysisData> {
    return this.requestWithProgress({ dir }, 'analyzeAndRead', dir) as Promise<AnalysisData>;
  }

  sampleAnalysis(dir: string, sampleId: string): Promise<AnalysisData> {
    return this.requestWithProgress({ dir, sampleId }, 'sampleAnalysis', dir, sampleId) as Promise<AnalysisData>;
  }

  /** Progress of every analysis in flight (the app forwards it to the renderer). */
  onAnalysisProgress(listener: (event: AnalysisProgressEvent) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /**
   * A sample's spectrum; the views ask for it on every visit, so the last few are kept, each under
   * the modification times of the files it was computed from (a re-run sample is computed again).
   */
  spectrum(dir: string, sampleId: string): Promise<SampleSpectrum> {
    const folder = join(dir, 'samples', sampleId);
    const stamp = ['config.extxyz', 'eigenvalues.npy', 'modes.npy'].map((f) => {
      try {
        return statSync(join(folder, f)).mtimeMs;
      } catch {
        return 'missing';
      }
    });
    const key = JSON.stringify([dir, sampleId, stamp]);
    const cached = this.spectra.get(key);
    if (cached) return cached;
    const result = this.request('sampleSpectrum', dir, sampleId) as Promise<SampleSpectrum>;
    this.spectra.set(key, result);
    result.catch(() => this.spectra.delete(key)); // an error is not kept: the next call tries again
    while (this.spectra.size > SPECTRUM_CACHE_SIZE) this.spectra.delete(this.spectra.keys().next().value!);
    return result;
  }

  mode(dir: string, sampleId: string, index: number, gridSpacing?: number): Promise<ModeData> {
    return this.request('modeData', dir, sampleId, index, gridSpacing) as Promise<ModeData>;
  }

  particleFields(dir: string, sampleId: string): Promise<ParticleFields> {
    return this.request('particleFields', dir, sampleId) as Promise<ParticleFields>;
  }

  /** Stored modes as extended XYZ for OVITO/ASE (engine/io/modeExport.ts, as `glassmodes export-modes`); progress as an analysis event of the sample. */
  exportModes(dir: string, sampleId: string, modes: string, options: { animate?: boolean; frames?: number; amplitude?: number }): Promise<ModeExportFile> {
    return this.requestWithProgress({ dir, sampleId }, 'modeExportFile', dir, sampleId, modes, options) as Promise<ModeExportFile>;
  }

  async shutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private requestWithProgress(what: { dir: string; sampleId?: string }, method: ResultsMethod, ...args: unknown[]): Promise<unknown> {
    return this.send(method, args, (p) => {
      for (const l of this.progressListeners) l({ ...what, fraction: p.fraction, message: p.message });
    });
  }

  private request(method: ResultsMethod, ...args: unknown[]): Promise<unknown> {
    return this.send(method, args);
  }

  private send(method: ResultsMethod, args: unknown[], onProgress?: (p: AnalysisProgressEvent) => void): Promise<unknown> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      worker.ref(); // a pending request keeps the process alive; an idle worker does not
      worker.postMessage({ id, method, args });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.options.workerScript ?? new URL('../../engine/io/resultsWorker.ts', import.meta.url));
    worker.on('message', (reply: { id: number; ok?: boolean; value?: unknown; error?: { name: string; message: string }; progress?: { fraction: number; message: string } }) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      if (reply.progress) {
        entry.onProgress?.({ dir: '', ...reply.progress });
        return;
      }
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) entry.resolve(reply.value);
      else entry.reject(new ResultsError(reply.error!.name, reply.error!.message));
    });
    const fail = (reason: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, entry] of this.pending) {
        this.pending.delete(id);
        entry.reject(new ResultsError('ResultsError', reason));
      }
    };
    worker.on('error', (error) => fail(`the results worker failed: ${error.message}`));
    worker.on('exit', (code) => fail(`the results worker stopped (exit code ${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
