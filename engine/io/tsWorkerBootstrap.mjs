// Starts a TypeScript worker-thread entry from sources (the CLI in a checkout, tests): registers
// tsx's loader in this thread with the repository's tsconfig.json (whatever the working folder),
// then imports the entry named in workerData. Compiled hosts (dist/, the app's bundle) start their
// built entry directly.
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import(workerData.tsEntry);
