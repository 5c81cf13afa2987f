/**
 * Worker-thread entry for the app's result reads (engine/io/results.ts), so that loading and
 * analysing a project never blocks the main process. Messages in: { id, method, args }; out:
 * { id, ok: true, value } or { id, ok: false, error: { name, message } }, and for an analysis
 * { id, progress: { fraction, message } } along the way.
 */
import { parentPort } from 'node:worker_threads';
import { analysisData, analyzeAndRead, modeData, particleFields, sampleAnalysis, sampleSpectrum } from './results';
import { modeExportFile } from './modeExport';

if (!parentPort) throw new Error('resultsWorker must run in a worker thread');
const port = parentPort;

const methods = { analysisData, analyzeAndRead, sampleAnalysis, sampleSpectrum, modeData, particleFields, modeExportFile } as const;
export type ResultsMethod = keyof typeof methods;

/** Methods that report progress, and the position of their progress callback among the arguments. */
const progressArgument: Partial<Record<ResultsMethod, number>> = { analyzeAndRead: 2, sampleAnalysis: 3, modeExportFile: 4 };

port.on('message', (message: { id: number; method: ResultsMethod; args: unknown[] }) => {
  try {
    const fn = methods[message.method] as (...args: unknown[]) => unknown;
    if (typeof fn !== 'function') throw new Error(`unknown results method '${String(message.method)}'`);
    const args = [...message.args];
    const at = progressArgument[message.method];
    if (at !== undefined) {
      while (args.length < at) args.push(undefined);
      args[at] = (fraction: number, text: string) => port.postMessage({ id: message.id, progress: { fraction, message: text } });
    }
    port.postMessage({ id: message.id, ok: true, value: fn(...args) });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ id: message.id, ok: false, error: { name: e.name, message: e.message } });
  }
});
