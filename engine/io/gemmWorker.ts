/**
 * The Node helper thread of the SIMD gemm (engine/linalg/gemmThreads.ts): one worker thread that
 * waits on a control block in shared memory and runs the gemm module's nn on the caller's shared
 * memory, the rows the caller gives it. The engine's calls are synchronous, so no messages flow while
 * it works: the caller writes the task into the control block, Atomics.notify wakes the worker
 * (blocked in Atomics.wait), and the caller Atomics.waits for its done count. A new memory (and the
 * module to run on it) goes by a MessagePort, which the worker reads synchronously
 * (receiveMessageOnPort) when the control block says so; it keeps only the last memory.
 *
 * The worker's code is plain JavaScript started with eval (no file: the same in a checkout under
 * tsx, in dist/ and in the app's bundle); it is unref'd, so it never keeps a process alive.
 * GLASSMODES_THREADS=1 (or 0) turns it off: everything on one thread, for A/B measurements.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';
import { setGemmThreadFactory, type GemmThread, type SharedWasmMemory } from '../linalg/gemmThreads';

// Control block (Int32): the caller's task count, the command, the worker's done count, its status,
// its start (1 once it waits for tasks), nn's 9 arguments.
const SEQ = 0, CMD = 1, DONE = 2, STATUS = 3, READY = 4, ARGS = 5;
/** How long a caller waits for the worker to start before it gives up on it (one thread then). */
const START_TIMEOUT_MS = 20000;
const RUN = 0, ATTACH = 1, EXIT = 2;

const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.control);
const port = workerData.port;
let nn = null;
let seq = 0;
Atomics.store(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seq);
  seq = Atomics.load(ctrl, ${SEQ});
  const cmd = ctrl[${CMD}];
  if (cmd === ${EXIT}) break;
  let status = 0;
  try {
    if (cmd === ${ATTACH}) {
      nn = null;
      const got = receiveMessageOnPort(port);
      if (got && got.message.memory) {
        nn = new WebAssembly.Instance(got.message.module, { env: { mem: got.message.memory } }).exports.nn;
        if (typeof nn !== 'function') status = 2;
      }
    } else {
      const a = ctrl.subarray(${ARGS}, ${ARGS + 9});
      nn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
    }
  } catch (error) {
    status = 1;
  }
  ctrl[${STATUS}] = status;
  Atomics.store(ctrl, ${DONE}, seq);
  Atomics.notify(ctrl, ${DONE});
}
port.close();
`;

/** Whether the environment asks for one thread only (GLASSMODES_THREADS=1 or 0). */
export function threadsDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.GLASSMODES_THREADS?.trim();
  return v === '1' || v === '0';
}

/** Starts a helper thread (a Node worker) for the SIMD gemm, or null where shared memory is missing. */
export function startGemmWorker(): GemmThread | null {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return null;
  const control = new SharedArrayBuffer(4 * (ARGS + 9));
  const ctrl = new Int32Array(control);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    // No execArgv: the code is plain CommonJS (not the parent's --import tsx or --input-type=module).
    worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { control, port: port2 }, transferList: [port2] });
  } catch {
    port1.close();
    return null;
  }
  worker.unref();
  port1.unref();
  worker.on('error', () => {}); // a failure shows in the task's status; it must not take the process down
  let seq = 0;
  // The memory the worker holds (weakly here: once the engine drops its heap, the worker is told to
  // drop it too, so a 750 MB factor memory does not outlive its factor).
  let memoryNow: WeakRef<SharedWasmMemory> | null = null;
  let moduleNow: object | null = null;
  let token = 0;
  let closed = false;
  const released = new FinalizationRegistry<number>((t) => {
    if (closed || t !== token) return;
    memoryNow = null;
    port1.postMessage({});
    post(ATTACH);
    try {
      wait();
    } catch {
      // nothing to drop
    }
  });
  const post = (cmd: number) => {
    ctrl[CMD] = cmd;
    seq = (seq + 1) | 0;
    Atomics.store(ctrl, SEQ, seq);
    Atomics.notify(ctrl, SEQ);
  };
  const wait = () => {
    for (;;) {
      const done = Atomics.load(ctrl, DONE);
      if (done === seq) break;
      Atomics.wait(ctrl, DONE, done);
    }
    const status = ctrl[STATUS];
    if (status !== 0) throw new Error(status === 2 ? 'the gemm helper thread could not instantiate its module' : 'the gemm helper thread failed (nn trapped)');
  };
  let ready = false;
  const helper: GemmThread = {
    start(module, memory, args) {
      if (closed) throw new Error('the gemm helper thread is closed');
      if (!ready) {
        // A worker that failed to start never answers: give up on it rather than wait for ever.
        Atomics.wait(ctrl, READY, 0, START_TIMEOUT_MS);
        if (Atomics.load(ctrl, READY) !== 1) {
          helper.close();
          throw new Error('the gemm helper thread did not start');
        }
        ready = true;
      }
      if (memory !== memoryNow?.deref() || module !== moduleNow) {
        memoryNow = null;
        token++;
        port1.postMessage({ module, memory });
        post(ATTACH);
        wait();
        memoryNow = new WeakRef(memory);
        moduleNow = module;
        released.register(memory, token);
      }
      for (let k = 0; k < 9; k++) ctrl[ARGS + k] = args[k];
      post(RUN);
    },
    wait,
    close() {
      if (closed) return;
      closed = true;
      memoryNow = moduleNow = null;
      post(EXIT);
      void worker.terminate();
      port1.close();
    },
  };
  return helper;
}

let installed = false;

/**
 * Installs the Node helper thread as the engine's gemm helper (started when first needed), unless
 * GLASSMODES_THREADS=1 or this machine has one core. Returns whether it did. For the CLI process,
 * the sample workers that run the spectrum stage, and the benches.
 */
export function installGemmWorker(options: { enabled?: boolean } = {}): boolean {
  const enabled = options.enabled ?? (!threadsDisabled() && availableParallelism() >= 2);
  if (!enabled) {
    if (installed) setGemmThreadFactory(null);
    installed = false;
    return false;
  }
  if (!installed) setGemmThreadFactory(startGemmWorker);
  installed = true;
  return true;
}
