/**
 * The only bridge between the sandboxed renderer and the main process: exposes the contract's
 * calls as `window.glassmodes` and nothing else (no ipcRenderer, no Node). Payloads are validated
 * again on the main side; this side only forwards them.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../main/ipc/client';
import { IPC_EVENT, IPC_INVOKE, type Envelope, type EventName } from '../main/ipc/contract';

const api = buildApi({
  invoke: (channel, payload) => ipcRenderer.invoke(IPC_INVOKE, channel, payload) as Promise<Envelope>,
  subscribe: (listener) => {
    ipcRenderer.on(IPC_EVENT, (_event, name: EventName, data: unknown) => listener(name, data));
  },
});

contextBridge.exposeInMainWorld('glassmodes', api);
