/**
 * Page side of the browser test bridge: implements the preload's `window.glassmodes` over HTTP
 * (calls) and server-sent events (pushes) against bridge.ts, with the same client code the
 * preload uses. Bundled by bridge.ts and injected before the app's own script.
 */
import { buildApi } from '../../main/ipc/client';
import { eventNames, type Envelope, type EventName } from '../../main/ipc/contract';

window.glassmodes = buildApi({
  invoke: async (channel, payload) => {
    const response = await fetch('/__bridge/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel, payload: payload === undefined ? null : payload }),
    });
    return (await response.json()) as Envelope;
  },
  subscribe: (listener) => {
    const source = new EventSource('/__bridge/events');
    for (const name of eventNames) source.addEventListener(name, (event) => listener(name as EventName, JSON.parse((event as MessageEvent<string>).data)));
  },
});
