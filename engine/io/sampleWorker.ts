/**
 * Worker-thread entry: runs one sample (or one chain) at a time for the runner and reports progress.
 * Messages in: { type: 'run', dir, index, stop?, gemmThreads? } | { type: 'run-chain', dir, chain, stop?, gemmThreads? } | { type: 'stop' }
 * (gemmThreads: the SIMD gemm may split its large products with a helper thread, engine/io/gemmWorker.ts).
 * `stop` is a SharedArrayBuffer of one Int32 that the runner sets to 1 to ask for a stop: the
 * Monte Carlo and the quench are synchronous loops, during which no message reaches this thread,
 * but they poll the flag between sweeps and iterations, write their checkpoint and return.
 * Messages out: { type: 'progress' | 'outcome' | 'log' } for a sample; for a chain also 'sample-outcome',
 * 'chain-report' and, at its end, 'chain-outcome'.
 */
import { parentPort } from 'node:worker_threads';
import { openProject } from './project';
import { runSample } from './sampleRun';
import { runChain } from './chainRun';
import { chainEntries } from '../pipeline/chain';
import { installGemmWorker } from './gemmWorker';

if (!parentPort) throw new Error('sampleWorker must run in a worker thread');
const port = parentPort;
let stopRequested = false;
let stopFlag: Int32Array | undefined;
const shouldStop = () => stopRequested || (stopFlag !== undefined && Atomics.load(stopFlag, 0) === 1);

// gemmThreads: whether this worker may start a helper thread for its SIMD gemm (the runner's gemmThreadsFor).
type Message = { type: 'run'; dir: string; index: number; stop?: SharedArrayBuffer; gemmThreads?: boolean } | { type: 'run-chain'; dir: string; chain: number; stop?: SharedArrayBuffer; gemmThreads?: boolean } | { type: 'stop' };

port.on('message', async (message: Message) => {
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  stopRequested = false;
  stopFlag = message.stop ? new Int32Array(message.stop) : undefined;
  installGemmWorker({ enabled: message.gemmThreads === true });
  if (message.type === 'run-chain') {
    const project = openProject(message.dir);
    const chain = chainEntries(project.settings)[message.chain];
    try {
      const outcome = await runChain(message.dir, project, chain, {
        onProgress: (stage, fraction, text) => port.postMessage({ type: 'progress', sampleId: chain.id, stage, fraction, message: text }),
        shouldStop,
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
      shouldStop,
      onLog: (text) => port.postMessage({ type: 'log', message: text }),
    });
    port.postMessage({ type: 'outcome', sampleId: entry.id, outcome });
  } catch (error) {
    port.postMessage({ type: 'outcome', sampleId: entry.id, outcome: { status: 'failed', error: (error as Error).stack ?? String(error) } });
  }
});
