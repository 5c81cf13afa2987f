// Starts a TypeScript worker-thread entry from sources (the CLI, tests): registers tsx's loader in
// this thread, then imports the entry named in workerData. Bundled hosts start their built entry directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.tsEntry);
