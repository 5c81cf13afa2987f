/**
 * Worker-thread entry: runs one sample at a time for the runner and reports progress.
 * Messages in: { type: 'run', dir, index } | { type: 'stop' }. Messages out: RunEvent-like
 * { type: 'progress' | 'outcome' }.
 */
import { parentPort } from 'node:worker_threads';
import { openProject } from './project';
import { runSample } from './sampleRun';

if (!parentPort) throw new Error('sampleWorker must run in a worker thread');
const port = parentPort;
let stopRequested = false;

port.on('message', async (message: { type: 'run'; dir: string; index: number } | { type: 'stop' }) => {
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  stopRequested = false;
  const project = openProject(message.dir);
  const entry = project.samples[message.index];
  try {
    const outcome = await runSample(message.dir, project, entry, {
      onProgress: (stage, fraction, text) => port.postMessage({ type: 'progress', sampleId: entry.id, stage, fraction, message: text }),
      shouldStop: () => stopRequested,
    });
    port.postMessage({ type: 'outcome', sampleId: entry.id, outcome });
  } catch (error) {
    port.postMessage({ type: 'outcome', sampleId: entry.id, outcome: { status: 'failed', error: (error as Error).stack ?? String(error) } });
  }
});
