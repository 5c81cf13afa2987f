/**
 * Fault points for tests of what a kill leaves on disk: with GLASSMODES_FAULT_PAUSE=<name> in the
 * environment, a process that reaches the point of that name says so on stderr
 * ("glassmodes: paused at <name>") and stops there for good, so that a test can kill -9 the real
 * process at an exact step. Without the variable a fault point costs one property read.
 */
export function faultPoint(name: string): void {
  if (process.env['GLASSMODES_FAULT_PAUSE'] !== name) return;
  process.stderr.write(`glassmodes: paused at ${name}\n`);
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(wait, 0, 0);
}
