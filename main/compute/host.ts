/**
 * The compute host: a hidden BrowserWindow whose page runs gpu.js kernels on Chromium's GPU
 * process. Main talks to it over a MessageChannelMain; if the window's renderer dies mid-request
 * (a driver reset, an out-of-memory GPU process) the window is recreated and the request retried
 * on the next backend, and the status says which backend finally ran.
 */
import { BrowserWindow, MessageChannelMain, type MessagePortMain } from 'electron';
import type { Backend, ComputeStatus } from '../ipc/contract';
import type { ModelSettings, SpectrumSettings } from '../../engine/model/settings';
import { BACKEND_ORDER, backendsAfter, type Attempt, type ComputeReply, type ComputeRequest } from './protocol';

type Pending = {
  request: ComputeRequest;
  current?: Backend;
  attempts: Attempt[];
  resolve: (reply: Extract<ComputeReply, { type: 'result' }>) => void;
  reject: (error: Error) => void;
};

export class ComputeHost {
  private window?: BrowserWindow;
  private port?: MessagePortMain;
  private ready?: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private status: ComputeStatus = { order: [...BACKEND_ORDER], attempts: [], available: true };

  constructor(
    private readonly load: (window: BrowserWindow) => Promise<void>,
    private readonly preload: string,
    private readonly onStatus: (status: ComputeStatus) => void,
  ) {}

  current(): ComputeStatus {
    return this.status;
  }

  async probe(): Promise<ComputeStatus> {
    await this.request({ type: 'probe', id: 0, backends: [...BACKEND_ORDER] });
    return this.status;
  }

  /** The spectrum of an inherent structure on the first GPU backend that works (engine/spectrum's computeSpectrum). */
  async spectrum(model: ModelSettings, spectrum: SpectrumSettings, positions: Float64Array, diameters: Float64Array) {
    const backends = spectrum.backend === 'auto' || spectrum.backend === 'reference' ? [...BACKEND_ORDER] : [spectrum.backend];
    const reply = await this.request({ type: 'spectrum', id: 0, backends, model, spectrum, positions: positions.slice().buffer, diameters: diameters.slice().buffer });
    const s = reply.spectrum!;
    return {
      backend: reply.backend,
      attempts: reply.attempts,
      eigenvalues: new Float64Array(s.eigenvalues),
      modes: new Float64Array(s.modes),
      participationRatios: new Float64Array(s.participationRatios),
      summary: s.summary,
    };
  }

  dispose(): void {
    for (const p of this.pending.values()) p.reject(new Error('the compute host was closed'));
    this.pending.clear();
    this.window?.destroy();
    this.window = undefined;
  }

  private request(request: ComputeRequest): Promise<Extract<ComputeReply, { type: 'result' }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { request: { ...request, id }, attempts: [], resolve, reject });
      void this.send(id);
    });
  }

  private async send(id: number): Promise<void> {
    const p = this.pending.get(id);
    if (!p) return;
    try {
      await this.start();
      // MessagePortMain transfers only ports: the matrix is structured-cloned into the compute
      // page (which keeps our copy for a retry on the next backend); the page transfers results back.
      this.port!.postMessage(p.request);
    } catch (error) {
      this.pending.delete(id);
      p.reject(error as Error);
    }
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = (async () => {
      const window = new BrowserWindow({
        show: false,
        webPreferences: { preload: this.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, backgroundThrottling: false },
      });
      this.window = window;
      window.webContents.on('render-process-gone', (_event, details) => this.crashed(`compute window ${details.reason}`));
      window.webContents.on('unresponsive', () => this.crashed('compute window stopped responding'));
      await this.load(window);
      const { port1, port2 } = new MessageChannelMain();
      port1.on('message', (event) => this.receive(event.data as ComputeReply));
      port1.start();
      this.port = port1;
      window.webContents.postMessage('compute:port', null, [port2]);
    })();
    // A window that failed to load is not kept: the next request starts a fresh one.
    this.ready.catch(() => {
      this.window?.destroy();
      this.window = undefined;
      this.ready = undefined;
    });
    return this.ready;
  }

  private receive(reply: ComputeReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    if (reply.type === 'attempt') {
      p.current = reply.backend;
      return;
    }
    this.pending.delete(reply.id);
    const attempts = [...p.attempts, ...reply.attempts];
    if (reply.type === 'result') {
      this.update({ lastBackend: reply.backend, attempts });
      p.resolve({ ...reply, attempts });
    } else {
      this.update({ attempts });
      p.reject(new Error(`${reply.message} (${attempts.map((a) => `${a.backend}: ${a.error ?? 'ok'}`).join('; ')})`));
    }
  }

  /** The page died: recreate it and send each open request on, starting after the backend it was on. */
  private crashed(reason: string): void {
    this.window?.destroy();
    this.window = undefined;
    this.port = undefined;
    this.ready = undefined;
    for (const [id, p] of this.pending) {
      const failed = p.current ?? p.request.backends[0];
      p.attempts.push({ backend: failed, ok: false, error: reason });
      const rest = backendsAfter(p.request.backends, failed);
      if (rest.length === 0) {
        this.pending.delete(id);
        this.update({ attempts: p.attempts });
        p.reject(new Error(`every backend failed (${p.attempts.map((a) => `${a.backend}: ${a.error}`).join('; ')})`));
      } else {
        p.request = { ...p.request, backends: rest };
        p.current = undefined;
        void this.send(id);
      }
    }
  }

  private update(change: Partial<ComputeStatus>): void {
    this.status = { ...this.status, ...change };
    this.onStatus(this.status);
  }
}
