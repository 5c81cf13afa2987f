/**
 * The Node helper thread of the SIMD gemm (engine/linalg/gemmThreads.ts): one worker thread that
 * waits on a control block in shared memory and runs the gemm module's nn on the caller's shared
 * memory, the rows the caller gives it. The engine's calls are synchronous, so no messages flow while
 * it works: the caller writes the task into the control block, Atomics.notify wakes the worker
 * (blocked in Atomics.wait), both claim the task's chunks of rows one at a time (compare-and-swap)
 * until none is left, and the caller Atomics.waits for the worker's finished count. A new memory (and the
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

// Control block (Int32):
//   TASK: (task count << 2) | command, one word, so the worker reads both at once;
//   DONE: the TASK word of the last ATTACH the worker has done (the caller waits for it);
//   STATUS: 0, or 1 when a chunk trapped, 2 when a module did not instantiate;
//   READY: 1 once the worker waits for tasks;
//   NEXT: (task count & 0xffff) << 16 | the next chunk to claim: a claim (compare-and-swap) only
//     succeeds for the task that is current, so a worker that wakes late cannot take a chunk of a
//     newer task with the arguments of an older one;
//   FIN: chunks the worker has finished of the current task; CHUNKS, ROWS: the task's chunks and
//   rows per chunk; then nn's 9 byte arguments for all the task's rows.
const TASK = 0, DONE = 1, STATUS = 2, READY = 3, NEXT = 4, FIN = 5, CHUNKS = 6, ROWS = 7, ARGS = 8;
const RUN = 0, ATTACH = 1, EXIT = 2, PART = 3;
// After the arguments: WSLEEP, 1 while the worker sleeps in Atomics.wait for a task; CSLEEP, 1 while
// the caller sleeps for the worker's chunks. Each side spins a little (SPIN loads, tens of µs)
// before it sleeps, and the other side calls Atomics.notify (a futex wake, costly against a short
// task: the Lanczos step posts a dozen tasks of ~0.1–5 ms) only when it sleeps. Both sides store
// their word and then load the other's (sequentially consistent), so a wake-up is never lost.
const WSLEEP = ARGS + 9, CSLEEP = ARGS + 10, CONTROL_WORDS = ARGS + 11;
const SPIN = 20000;
/** How long a caller waits for the worker to start before it gives up on it (one thread then). */
const START_TIMEOUT_MS = 20000;
/**
 * How long a caller waits for the worker's next step (a chunk of rows, ≤ ~0.1 s at the sizes here;
 * an attach) before it takes the worker for dead and fails the computation with that said, rather
 * than waiting for ever (a worker killed mid-task never answers; its exit event cannot reach a caller
 * blocked in Atomics.wait). The wait's clock is monotonic, so a suspended laptop does not trip it.
 */
const STALL_TIMEOUT_MS = 120000;

/** Claims the next chunk of the task `count` (low 16 bits) in `ctrl`, or −1: the caller's and the worker's code. */
function claimChunk(ctrl: Int32Array, count: number): number {
  const tag = (count & 0xffff) << 16;
  for (;;) {
    const v = Atomics.load(ctrl, NEXT);
    if ((v & ~0xffff) !== tag) return -1;
    const c = v & 0xffff;
    if (c >= ctrl[CHUNKS]) return -1;
    if (Atomics.compareExchange(ctrl, NEXT, v, v + 1) === v) return c;
  }
}

const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.control);
const port = workerData.port;
// claimChunk above, written out (a function's source text is not stable under bundlers and minifiers).
function claimChunk(ctrl, count) {
  const tag = (count & 0xffff) << 16;
  for (;;) {
    const v = Atomics.load(ctrl, ${NEXT});
    if ((v & ~0xffff) !== tag) return -1;
    const c = v & 0xffff;
    if (c >= ctrl[${CHUNKS}]) return -1;
    if (Atomics.compareExchange(ctrl, ${NEXT}, v, v + 1) === v) return c;
  }
}
let nn = null;
let part = null;
let word = 0;
Atomics.store(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
for (;;) {
  for (let s = 0; s < ${SPIN} && Atomics.load(ctrl, ${TASK}) === word; s++);
  if (Atomics.load(ctrl, ${TASK}) === word) {
    Atomics.store(ctrl, ${WSLEEP}, 1);
    Atomics.wait(ctrl, ${TASK}, word);
    Atomics.store(ctrl, ${WSLEEP}, 0);
  }
  word = Atomics.load(ctrl, ${TASK});
  const cmd = word & 3;
  const count = word >>> 2;
  if (cmd === ${EXIT}) break;
  if (cmd === ${ATTACH}) {
    let status = 0;
    nn = null;
    part = null;
    try {
      const got = receiveMessageOnPort(port);
      if (got && got.message.memory) {
        // The gemm imports env.mem, the kernels compiled from C env.memory.
        const ex = new WebAssembly.Instance(got.message.module, { env: { mem: got.message.memory, memory: got.message.memory } }).exports;
        nn = typeof ex.nn === 'function' ? ex.nn : null;
        part = typeof ex.part === 'function' ? ex.part : null;
        if (!nn && !part) status = 2;
      }
    } catch (error) {
      status = 2;
    }
    ctrl[${STATUS}] = status;
    Atomics.store(ctrl, ${DONE}, word);
    Atomics.notify(ctrl, ${DONE});
    continue;
  }
  for (let c = claimChunk(ctrl, count); c >= 0; c = claimChunk(ctrl, count)) {
    // The arguments are read after the claim: they are this task's (the caller waits for its chunks).
    const a = ctrl.subarray(${ARGS}, ${ARGS + 9});
    const rows = ctrl[${ROWS}];
    const r0 = c * rows;
    try {
      if (cmd === ${PART}) part(a[0], a[1], c);
      else nn(Math.min(rows, a[0] - r0), a[1], a[2], a[3] + r0 * a[4], a[4], a[5], a[6], a[7] + r0 * a[8], a[8]);
    } catch (error) {
      ctrl[${STATUS}] = 1;
    }
    Atomics.add(ctrl, ${FIN}, 1);
    if (Atomics.load(ctrl, ${CSLEEP}) === 1) Atomics.notify(ctrl, ${FIN});
  }
}
port.close();
`;

/** Whether the environment asks for one thread only (GLASSMODES_THREADS=1 or 0). */
export function threadsDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.GLASSMODES_THREADS?.trim();
  return v === '1' || v === '0';
}

/** Starts a helper thread (a Node worker) for the SIMD gemm, or null where shared memory is missing. */
export function startGemmWorker(options: { stallTimeoutMs?: number; onWorker?: (worker: Worker) => void } = {}): GemmThread | null {
  const stallMs = options.stallTimeoutMs ?? STALL_TIMEOUT_MS;
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return null;
  const control = new SharedArrayBuffer(4 * CONTROL_WORDS);
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
  options.onWorker?.(worker);
  worker.on('error', () => {}); // a failure shows in the task's status; it must not take the process down
  let count = 0;
  // The memory the worker holds (weakly here: once the engine drops its heap, the worker is told to
  // drop it too, so a 750 MB factor memory does not outlive its factor).
  let memoryNow: WeakRef<SharedWasmMemory> | null = null;
  let moduleNow: object | null = null;
  let token = 0;
  let closed = false;
  let ready = false;
  let mine = 0;
  const post = (cmd: number) => {
    count = (count + 1) & 0x1fffffff;
    const word = (count << 2) | cmd;
    Atomics.store(ctrl, TASK, word);
    if (cmd !== RUN && cmd !== PART) Atomics.notify(ctrl, TASK);
    else if (Atomics.load(ctrl, WSLEEP) === 1) Atomics.notify(ctrl, TASK);
    return word;
  };
  const attach = (message: object) => {
    port1.postMessage(message);
    const word = post(ATTACH);
    for (let done = Atomics.load(ctrl, DONE); done !== word; done = Atomics.load(ctrl, DONE)) stalled(Atomics.wait(ctrl, DONE, done, stallMs));
    if (ctrl[STATUS] !== 0) throw new Error('the gemm helper thread could not instantiate its module');
  };
  // A wait that timed out: the worker made no step in STALL_TIMEOUT_MS. Closed, and the computation fails saying so.
  const stalled = (outcome: string) => {
    if (outcome !== 'timed-out') return;
    helper.close();
    throw new Error(`the gemm helper thread made no progress in ${stallMs / 1000} s and was stopped (GLASSMODES_THREADS=1 runs on one thread)`);
  };
  const released = new FinalizationRegistry<number>((t) => {
    if (closed || t !== token) return;
    memoryNow = null;
    try {
      attach({}); // drop it
    } catch {
      // nothing to drop
    }
  });
  // The worker started, on `memory` with `module` (attached when either changed).
  const prepare = (module: object, memory: SharedWasmMemory) => {
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
      attach({ module, memory });
      memoryNow = new WeakRef(memory);
      moduleNow = module;
      released.register(memory, token);
    }
  };
  // A task of `chunks` chunks: the counters reset, the claim word for the new task count, then the task itself.
  const launch = (cmd: number, chunks: number, rows: number) => {
    ctrl[CHUNKS] = chunks;
    ctrl[ROWS] = rows;
    ctrl[STATUS] = 0;
    Atomics.store(ctrl, FIN, 0);
    mine = 0;
    Atomics.store(ctrl, NEXT, (((count + 1) & 0xffff) << 16) | 0);
    post(cmd);
    return chunks;
  };
  const helper: GemmThread = {
    start(module, memory, args, chunkRows) {
      prepare(module, memory);
      const chunks = Math.ceil(args[0] / chunkRows);
      for (let k = 0; k < 9; k++) ctrl[ARGS + k] = args[k];
      return launch(RUN, chunks, chunkRows);
    },
    startParts(module, memory, op, params, parts) {
      prepare(module, memory);
      ctrl[ARGS] = op;
      ctrl[ARGS + 1] = params;
      return launch(PART, parts, 0);
    },
    claim() {
      const c = claimChunk(ctrl, count);
      if (c >= 0) mine++;
      return c;
    },
    wait() {
      // Every chunk is claimed (the caller claims until none is left): wait for the worker's.
      const theirs = ctrl[CHUNKS] - mine;
      for (let s = 0; s < SPIN && Atomics.load(ctrl, FIN) < theirs; s++);
      for (let fin = Atomics.load(ctrl, FIN); fin < theirs; fin = Atomics.load(ctrl, FIN)) {
        Atomics.store(ctrl, CSLEEP, 1);
        // Asleep only if no chunk finished since the load above (else look again).
        if (Atomics.load(ctrl, FIN) === fin) stalled(Atomics.wait(ctrl, FIN, fin, stallMs));
        Atomics.store(ctrl, CSLEEP, 0);
      }
      if (ctrl[STATUS] !== 0) throw new Error('the gemm helper thread failed (nn trapped)');
      return theirs;
    },
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
