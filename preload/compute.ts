/**
 * Preload of the hidden compute window: hands the MessagePort from main to the page, which then
 * talks to main directly over it (matrices in, eigenpairs out, as transferable ArrayBuffers).
 */
import { ipcRenderer } from 'electron';

ipcRenderer.once('compute:port', (event) => {
  // A port cannot cross contextBridge as an argument; window.postMessage with a transfer list can.
  window.postMessage('glassmodes-compute-port', '*', event.ports);
});
