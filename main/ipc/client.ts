/**
 * Builds the `window.glassmodes` object from the contract's channel list over any transport:
 * Electron's ipcRenderer in the preload, HTTP in the browser test bridge. A failed call rejects
 * with an Error whose message is the main side's (a settings error keeps its setting name).
 */
import { channels, eventNames, type Envelope, type EventName, type GlassmodesApi } from './contract';

export interface Transport {
  invoke(channel: string, payload: unknown): Promise<Envelope>;
  subscribe(listener: (event: EventName, data: unknown) => void): void;
}

export class CallError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

export function buildApi(transport: Transport): GlassmodesApi {
  const listeners = new Map<EventName, Set<(data: unknown) => void>>(eventNames.map((e) => [e, new Set()]));
  transport.subscribe((event, data) => {
    for (const listener of listeners.get(event) ?? []) listener(data);
  });
  const api: Record<string, unknown> = {
    on(event: EventName, listener: (data: unknown) => void) {
      const set = listeners.get(event);
      if (!set) throw new Error(`unknown event '${String(event)}'`);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  for (const channel of channels) {
    const [ns, method] = channel.split('.');
    const group = (api[ns] ??= {}) as Record<string, unknown>;
    group[method] = async (payload?: unknown) => {
      const reply = await transport.invoke(channel, payload);
      if (reply.ok) return reply.value;
      // contextBridge passes an Error's message across; the setting rides in the message prefix.
      throw new CallError(reply.error.message, reply.error.setting);
    };
  }
  return api as GlassmodesApi;
}
