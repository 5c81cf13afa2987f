// `glassmodes run` on SIGTERM and SIGINT (issue 12 item 6, the signal part): every running sample
// or chain writes its checkpoint before the run exits, and the message says what was written.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-signal-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const glassmodes = join(repoRoot, 'bin/glassmodes.mjs');
const cli = (args: string[]) => spawnSync(process.execPath, [glassmodes, ...args], { encoding: 'utf8', cwd: repoRoot });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `run`, waits until every lock in `locks` is taken (the Monte Carlo is under way), sends `signal`, and returns what the run printed. */
async function interrupt(dir: string, locks: string[], signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [glassmodes, 'run', dir, '--jobs', '2', '--no-estimate'], { cwd: repoRoot });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const end = Date.now() + 60_000;
  while (!locks.every((l) => existsSync(join(dir, l, '.lock')))) {
    if (Date.now() > end) throw new Error(`the run never took ${locks.join(', ')}:\n${out}`);
    await sleep(50);
  }
  await sleep(300);
  child.kill(signal);
  const code = await exited;
  return { code, out };
}

describe('glassmodes run stopped by a signal', () => {
  it('SIGTERM: both running samples write their Monte Carlo checkpoints, the message lists them, the locks are released, and a second run resumes there', async () => {
    const dir = join(scratch, 'samples');
    expect(cli(['new', dir, '--dim', '2', '--particles', '64', '--taper', '2', '--parent-temperature', '0.3', '--sweeps', '200000', '--samples', '2', '--seed', '3', '--no-estimate']).status).toBe(0);
    const { code, out } = await interrupt(dir, ['samples/s0000', 'samples/s0001'], 'SIGTERM');
    expect(code, out).toBe(1);
    expect(out).toContain('SIGTERM: stopping; running samples write their checkpoints');
    expect(out).toContain('cancelled: 2 checkpoint(s) written for 2 running sample(s)/chain(s)');
    for (const id of ['s0000', 's0001']) {
      const m = new RegExp(`${id}: Monte Carlo checkpoint written at sweep (\\d+) of 200000`).exec(out);
      expect(m, out).not.toBeNull();
      const checkpoint = JSON.parse(readFileSync(join(dir, 'samples', id, 'checkpoint.json'), 'utf8'));
      expect(checkpoint.sweepsDone).toBe(Number(m![1]));
      expect(checkpoint.sweepsDone).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'samples', id, '.lock'))).toBe(false);
      expect(existsSync(join(dir, 'samples', id, 'parent.extxyz'))).toBe(false);
    }
    const info = cli(['info', dir]);
    expect(info.stdout).toMatch(/s0000 +sampling +checkpoint at sweep \d+\/200000/);
    // A second run picks the checkpoint up (stopped again at once: the resume line is what counts).
    const again = await interrupt(dir, ['samples/s0000'], 'SIGINT');
    const sweep = JSON.parse(readFileSync(join(dir, 'samples', 's0000', 'checkpoint.json'), 'utf8')).sweepsDone;
    expect(again.out).toMatch(/s0000 parent: resumed at sweep \d+/);
    expect(again.out).toContain('(Ctrl-C again to quit without them)');
    expect(sweep).toBeGreaterThan(Number(/s0000: Monte Carlo checkpoint written at sweep (\d+)/.exec(out)![1]));
  }, 120_000);

  it('SIGINT in a project of chains: the chain writes its checkpoint at the sweep it stopped', async () => {
    const dir = join(scratch, 'chains');
    expect(cli(['new', dir, '--dim', '2', '--particles', '64', '--taper', '2', '--parent-temperature', '0.3', '--samples', '2', '--chains', '1', '--equilibrate', '200000', '--sample-every', '1000', '--seed', '3', '--no-estimate']).status).toBe(0);
    const { code, out } = await interrupt(dir, ['chains/c000'], 'SIGINT');
    expect(code, out).toBe(1);
    const m = /chain c000: checkpoint written at sweep (\d+) \(0 parent\(s\) written\)/.exec(out);
    expect(m, out).not.toBeNull();
    expect(out).toContain('cancelled: 1 checkpoint(s) written for 1 running sample(s)/chain(s)');
    const checkpoint = JSON.parse(readFileSync(join(dir, 'chains', 'c000', 'checkpoint.json'), 'utf8'));
    expect(checkpoint.sweepsDone).toBe(Number(m![1]));
    expect(existsSync(join(dir, 'chains', 'c000', '.lock'))).toBe(false);
  }, 120_000);
});
