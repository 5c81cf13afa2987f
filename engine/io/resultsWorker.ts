/**
 * Worker-thread entry for the app's result reads (engine/io/results.ts), so that loading and
 * analysing a project never blocks the main process. Messages in: { id, method, args }; out:
 * { id, ok: true, value } or { id, ok: false, error: { name, message } }.
 */
import { parentPort } from 'node:worker_threads';
import { analysisData, analyzeAndRead, modeData, particleFields, sampleAnalysis, sampleSpectrum } from './results';

if (!parentPort) throw new Error('resultsWorker must run in a worker thread');
const port = parentPort;

const methods = { analysisData, analyzeAndRead, sampleAnalysis, sampleSpectrum, modeData, particleFields } as const;
export type ResultsMethod = keyof typeof methods;

port.on('message', (message: { id: number; method: ResultsMethod; args: unknown[] }) => {
  try {
    const fn = methods[message.method] as (...args: unknown[]) => unknown;
    if (typeof fn !== 'function') throw new Error(`unknown results method '${String(message.method)}'`);
    port.postMessage({ id: message.id, ok: true, value: fn(...message.args) });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ id: message.id, ok: false, error: { name: e.name, message: e.message } });
  }
});
