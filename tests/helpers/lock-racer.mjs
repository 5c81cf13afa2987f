// A separate process for tests/locks.test.ts: on each { folder, at } message it waits for the
// shared start time `at` (ms since the epoch, sub-millisecond) and then calls the engine's
// acquireLock on that folder, holding what it gets, and replies whether it won.
import { register } from 'tsx/esm/api';

register();
const { acquireLock } = await import('../../engine/io/project.ts');
const clock = () => performance.timeOrigin + performance.now();
process.on('message', (m) => {
  if (m.type === 'exit') process.exit(0);
  let takeover = null;
  while (clock() < m.at); // both racers leave this loop within microseconds of each other
  const started = clock();
  const lock = acquireLock(m.folder, { onTakeover: (line) => (takeover = line) });
  process.send({ trial: m.trial, won: lock !== undefined, takeover, started });
});
process.send({ type: 'ready' });
