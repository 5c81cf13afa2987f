/**
 * Worker-thread entry: runs one sample at a time for the runner and reports progress.
 * Messages in: { type: 'run', dir, index } | { type: 'run-chain', dir, chain } | { type: 'stop' }.
 * Messages out: { type: 'progress' | 'outcome' | 'log' } for a sample; for a chain also 'sample-outcome',
 * 'chain-report' and, at its end, 'chain-outcome'.
 */
import { parentPort } from 'node:worker_threads';
import { openProject } from './project';
import { runSample } from './sampleRun';
import { runChain } from './chainRun';
import { chainEntries } from '../pipeline/chain';

if (!parentPort) throw new Error('sampleWorker must run in a worker thread');
const port = parentPort;
let stopRequested = false;

port.on('message', async (message: { type: 'run'; dir: string; index: number } | { type: 'run-chain'; dir: string; chain: number } | { type: 'stop' }) => {
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  stopRequested = false;
  if (message.type === 'run-chain') {
    const project = openProject(message.dir);
    const chain = chainEntries(project.settings)[message.chain];
    try {
      const outcome = await runChain(message.dir, project, chain, {
        onProgress: (stage, fraction, text) => port.postMessage({ type: 'progress', sampleId: chain.id, stage, fraction, message: text }),
        shouldStop: () => stopRequested,
        onLog: (text) => port.postMessage({ type: 'log', message: text }),
        onSample: (sampleId, outcome) => port.postMessage({ type: 'sample-outcome', sampleId, outcome }),
        onReport: (report) => port.postMessage({ type: 'chain-report', chainId: chain.id, report }),
      });
      port.postMessage({ type: 'chain-outcome', chainId: chain.id, outcome });
    } catch (error) {
      port.postMessage({ type: 'chain-outcome', chainId: chain.id, outcome: { status: 'failed', error: (error as Error).stack ?? String(error) } });
    }
    return;
  }
  const project = openProject(message.dir);
  const entry = project.samples[message.index];
  try {
    const outcome = await runSample(message.dir, project, entry, {
      onProgress: (stage, fraction, text) => port.postMessage({ type: 'progress', sampleId: entry.id, stage, fraction, message: text }),
      shouldStop: () => stopRequested,
      onLog: (text) => port.postMessage({ type: 'log', message: text }),
    });
    port.postMessage({ type: 'outcome', sampleId: entry.id, outcome });
  } catch (error) {
    port.postMessage({ type: 'outcome', sampleId: entry.id, outcome: { status: 'failed', error: (error as Error).stack ?? String(error) } });
  }
});
