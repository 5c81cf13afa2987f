/**
 * Entry of the hidden compute window: receives requests from main over a MessagePort, runs them
 * on the first backend that works (webgpu → webgl2 → webasm → cpu), and posts back the result and
 * every attempt. Results travel back as transferred ArrayBuffers.
 */
import { withFallback, type ComputeReply, type ComputeRequest } from '../../../main/compute/protocol';
import { probeBackend, spectrumOnBackend } from './kernels';

export async function handle(request: ComputeRequest, post: (reply: ComputeReply, transfer?: Transferable[]) => void): Promise<void> {
  const onAttempt = (backend: ComputeRequest['backends'][number]) => post({ type: 'attempt', id: request.id, backend });
  if (request.type === 'probe') {
    const outcome = await withFallback(request.backends, probeBackend, onAttempt);
    if (outcome.ok) post({ type: 'result', id: request.id, backend: outcome.backend, attempts: outcome.attempts, probe: { maxError: outcome.value.maxError } });
    else post({ type: 'error', id: request.id, attempts: outcome.attempts, message: 'no backend ran the probe kernel' });
    return;
  }
  const positions = new Float64Array(request.positions);
  const diameters = new Float64Array(request.diameters);
  const outcome = await withFallback(request.backends, (b) => spectrumOnBackend(b, request.model, request.spectrum, positions, diameters), onAttempt);
  if (!outcome.ok) {
    post({ type: 'error', id: request.id, attempts: outcome.attempts, message: 'no backend computed the spectrum' });
    return;
  }
  const { eigenvalues, modes, participationRatios, zeroModeIndices, ...rest } = outcome.value;
  const buffers = { eigenvalues: eigenvalues.buffer as ArrayBuffer, modes: modes.buffer as ArrayBuffer, participationRatios: participationRatios.buffer as ArrayBuffer };
  const summary = { ...rest, zeroModeIndices: Array.from(zeroModeIndices) };
  post(
    { type: 'result', id: request.id, backend: outcome.backend, attempts: outcome.attempts, spectrum: { ...buffers, summary } },
    [buffers.eigenvalues, buffers.modes, buffers.participationRatios],
  );
}

/** Requests are served one at a time: a GPU context is not shared between concurrent kernels. */
function serve(port: MessagePort): void {
  let chain = Promise.resolve();
  port.onmessage = (event: MessageEvent<ComputeRequest>) => {
    chain = chain.then(() => handle(event.data, (reply, transfer) => port.postMessage(reply, transfer ?? [])));
  };
  port.start();
}

window.addEventListener('message', (event) => {
  if (event.source === window && event.data === 'glassmodes-compute-port' && event.ports[0]) serve(event.ports[0]);
});

// The browser test bridge drives the same handler without Electron.
(window as unknown as { glassmodesCompute: typeof handle }).glassmodesCompute = handle;
