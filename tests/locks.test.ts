// Issue 12 item 2: sample and chain locks by exclusive creation, with owner host, pid and start
// time; a stale lock (its process gone on this host, or beyond the lease on another host) taken
// over and said so; two real processes racing for one lock: exactly one wins, every time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, createProject, LOCK_LEASE_SECONDS, readLock, refreshOwnLock, sampleDir } from '../engine/io/project';
import { runProject } from '../engine/io/runner';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-locks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A pid that was a process a moment ago and is gone now. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
const lockOf = (folder: string) => JSON.parse(readFileSync(join(folder, '.lock'), 'utf8'));
const age = (path: string, seconds: number) => utimesSync(path, (Date.now() - seconds * 1000) / 1000, (Date.now() - seconds * 1000) / 1000);

describe('two processes racing for one lock', () => {
  const racers: ChildProcess[] = [];
  beforeAll(async () => {
    for (let k = 0; k < 2; k++) {
      const child = fork(join(repoRoot, 'tests/helpers/lock-racer.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      racers.push(child);
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
    }
  });
  afterAll(() => racers.forEach((c) => c.send({ type: 'exit' })));

  type Reply = { trial: number; won: boolean; takeover: string | null; started: number };
  /** Both racers told to call acquireLock(folder) at one instant 15 ms from now; their replies. */
  const start = (trial: number, folder: string) => {
    const replies = racers.map(
      (child) =>
        new Promise<Reply>((resolve) => {
          const on = (m: Reply) => {
            if (m.trial !== trial) return;
            child.off('message', on);
            resolve(m);
          };
          child.on('message', on);
        }),
    );
    const at = performance.timeOrigin + performance.now() + 15;
    for (const child of racers) child.send({ trial, folder, at });
    return Promise.all(replies);
  };

  it('on a free lock: exactly one wins, 100 of 100 trials, and the lock names the winner', async () => {
    let gaps = 0;
    for (let trial = 0; trial < 100; trial++) {
      const folder = join(scratch, 'race', `t${trial}`);
      const replies = await start(trial, folder);
      expect(replies.filter((r) => r.won).length, `trial ${trial}`).toBe(1);
      const winner = racers[replies.findIndex((r) => r.won)];
      const held = lockOf(folder);
      expect(held.pid).toBe(winner.pid);
      expect(held.host).toBe(hostname());
      expect(Math.abs(Date.parse(held.since) - Date.now())).toBeLessThan(60_000);
      gaps = Math.max(gaps, Math.abs(replies[0].started - replies[1].started));
    }
    // They did race: both called acquireLock close together (a loaded machine may delay one).
    expect(gaps).toBeLessThan(1000);
  });

  it('on a stale lock of a dead process: exactly one takes it over, 100 of 100 trials, and says so', async () => {
    const dead = deadPid();
    for (let trial = 100; trial < 200; trial++) {
      const folder = join(scratch, 'stale', `t${trial}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, '.lock'), JSON.stringify({ host: hostname(), pid: dead, since: '2020-01-01T00:00:00.000Z', token: 'old' }));
      const replies = await start(trial, folder);
      expect(replies.filter((r) => r.won).length, `trial ${trial}`).toBe(1);
      const winner = replies.find((r) => r.won)!;
      // Exactly one removed it and said so: it took it, or the other racer created it first.
      const told = replies.filter((r) => r.takeover !== null);
      expect(told, `trial ${trial}`).toHaveLength(1);
      const line = told[0].takeover!;
      expect(line).toMatch(new RegExp(`(took over|removed) the stale lock .*pid ${dead} on ${hostname()} since 2020-01-01.*process ${dead} on this host is gone`));
      expect(line.startsWith('took over')).toBe(told[0] === winner);
      expect(lockOf(folder).pid).toBe(racers[replies.indexOf(winner)].pid);
      expect(existsSync(join(folder, '.lock.takeover'))).toBe(false);
    }
  });
});

describe('stale locks', () => {
  it('a lock of a dead pid on this host is taken over, with a line saying whose it was', () => {
    const folder = join(scratch, 'dead');
    mkdirSync(folder, { recursive: true });
    const dead = deadPid();
    writeFileSync(join(folder, '.lock'), JSON.stringify({ host: hostname(), pid: dead, since: '2021-05-01T10:00:00.000Z', token: 'x' }));
    expect(readLock(folder)!.stale).toBe(`process ${dead} on this host is gone`);
    const lines: string[] = [];
    const release = acquireLock(folder, { onTakeover: (l) => lines.push(l) });
    expect(release).toBeDefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`pid ${dead} on ${hostname()} since 2021-05-01T10:00:00.000Z`);
    expect(lockOf(folder).pid).toBe(process.pid);
    release!();
    expect(existsSync(join(folder, '.lock'))).toBe(false);
  });

  it('a takeover guard left by a process killed in a takeover does not block the next one', () => {
    const folder = join(scratch, 'guard');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.lock'), JSON.stringify({ host: hostname(), pid: deadPid(), since: '2021-05-01T10:00:00.000Z', token: 'x' }));
    writeFileSync(join(folder, '.lock.takeover'), '');
    expect(acquireLock(folder, { onTakeover: () => {} })).toBeUndefined(); // a fresh guard: someone is taking it over
    age(join(folder, '.lock.takeover'), 120);
    const release = acquireLock(folder, { onTakeover: () => {} });
    expect(release).toBeDefined();
    expect(existsSync(join(folder, '.lock.takeover'))).toBe(false);
    release!();
  });

  it('a live process on this host keeps its lock however old its heartbeat', () => {
    const folder = join(scratch, 'alive');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.lock'), JSON.stringify({ host: hostname(), pid: process.ppid, since: '2021-05-01T10:00:00.000Z', token: 'x' }));
    age(join(folder, '.lock'), 10 * LOCK_LEASE_SECONDS);
    expect(readLock(folder)!.stale).toBeUndefined();
    expect(acquireLock(folder, { onTakeover: () => {} })).toBeUndefined();
  });

  it('a dead holder whose pid a later process took (the pid counter wrapped) is gone: the start it recorded tells them apart (Linux)', () => {
    const folder = join(scratch, 'reused');
    mkdirSync(folder, { recursive: true });
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const started = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    expect(started).toBeGreaterThan(0);
    // This process as the holder, with its own start: held. With another start (the lock's holder
    // died and this process got its pid): stale, and said so.
    const lock = (s: number | undefined) => writeFileSync(join(folder, '.lock'), JSON.stringify({ host: hostname(), pid: process.pid, since: '2021-05-01T10:00:00.000Z', token: 'x', ...(s === undefined ? {} : { started: s }) }));
    lock(started);
    expect(readLock(folder)!.stale).toBeUndefined();
    lock(started - 1);
    expect(readLock(folder)!.stale).toBe(`process ${process.pid} on this host is gone (its pid now belongs to a process started later)`);
    const release = acquireLock(folder, { onTakeover: () => {} });
    expect(release).toBeDefined();
    // The lock it writes records its own start.
    expect(lockOf(folder).started).toBe(started);
    release!();
    // A lock without the field (written before it existed): the pid alone decides, as before.
    lock(undefined);
    expect(readLock(folder)!.stale).toBeUndefined();
  });

  it('a lock from another host is respected within the lease and taken over beyond it', () => {
    const folder = join(scratch, 'foreign');
    mkdirSync(folder, { recursive: true });
    const path = join(folder, '.lock');
    writeFileSync(path, JSON.stringify({ host: 'node-17.cluster', pid: 4242, since: '2021-05-01T10:00:00.000Z', token: 'y' }));
    age(path, LOCK_LEASE_SECONDS - 60);
    const lines: string[] = [];
    expect(acquireLock(folder, { onTakeover: (l) => lines.push(l) })).toBeUndefined();
    expect(lockOf(folder).host).toBe('node-17.cluster');
    age(path, LOCK_LEASE_SECONDS + 60);
    const release = acquireLock(folder, { onTakeover: (l) => lines.push(l) });
    expect(release).toBeDefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/pid 4242 on node-17\.cluster .*no heartbeat from node-17\.cluster for 11\.0 min \(lease 10\.0 min\)/);
    expect(lockOf(folder).host).toBe(hostname());
    release!();
  });

  it('the holder refreshes its heartbeat, so a working holder on another host stays within the lease', () => {
    const folder = join(scratch, 'heartbeat');
    const release = acquireLock(folder)!;
    const path = join(folder, '.lock');
    age(path, LOCK_LEASE_SECONDS + 60);
    refreshOwnLock(folder); // the runner's main thread, for its workers
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(5000);
    release();
  });

  it('a release never removes a lock someone else took after a takeover', () => {
    const folder = join(scratch, 'token');
    const release = acquireLock(folder)!;
    writeFileSync(join(folder, '.lock'), JSON.stringify({ host: 'other', pid: 1, since: new Date().toISOString(), token: 'theirs' }));
    release();
    expect(lockOf(folder).token).toBe('theirs');
  });
});

describe('runs and info', () => {
  const tiny = { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: false }, samples: 2, seed: 11 };

  it('run takes over a dead run’s sample lock, says so, removes its temporary files, and finishes the sample', async () => {
    const dir = join(scratch, 'run');
    createProject(dir, tiny);
    const folder = sampleDir(dir, 's0001');
    mkdirSync(folder, { recursive: true });
    const dead = deadPid();
    writeFileSync(join(folder, '.lock'), JSON.stringify({ host: hostname(), pid: dead, since: '2022-02-02T02:02:02.000Z', token: 'z' }));
    writeFileSync(join(folder, `.meta.json.${dead}.1700000000000.0.tmp`), '{"half');
    const logs: string[] = [];
    const summary = await runProject(dir, { inProcess: true, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
    expect(summary.done.sort()).toEqual(['s0000', 's0001']);
    expect(logs.some((l) => l.includes(`took over the stale lock ${join(folder, '.lock')}`) && l.includes(`pid ${dead}`))).toBe(true);
    expect(logs.some((l) => l.includes(`removed 1 temporary file(s) of interrupted writes: samples/s0001/.meta.json.${dead}.1700000000000.0.tmp`))).toBe(true);
    expect(existsSync(join(folder, `.meta.json.${dead}.1700000000000.0.tmp`))).toBe(false);
    expect(existsSync(join(folder, '.lock'))).toBe(false);
  });

  it('a temporary file in a sample folder whose lock another host holds is left alone', async () => {
    const dir = join(scratch, 'held');
    createProject(dir, tiny);
    const folder = sampleDir(dir, 's0000');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.lock'), JSON.stringify({ host: 'node-3', pid: 99, since: '2022-02-02T02:02:02.000Z', token: 'w' }));
    const temp = join(folder, '.parent.extxyz.99.1700000000000.3.tmp');
    writeFileSync(temp, 'being written');
    const summary = await runProject(dir, { inProcess: true });
    expect(summary.skipped.map((s) => s.id)).toEqual(['s0000']);
    expect(existsSync(temp)).toBe(true);
  });

  it('info shows who holds which lock: host, pid, since', () => {
    const dir = join(scratch, 'info');
    createProject(dir, tiny);
    const folder = sampleDir(dir, 's0001');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.lock'), JSON.stringify({ host: 'node-9', pid: 777, since: '2023-03-03T03:03:03.000Z', token: 'v' }));
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), 'info', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/s0001 .*locked by pid 777 on node-9 since 2023-03-03T03:03:03\.000Z, heartbeat \d+ s ago/);
    const json = JSON.parse(spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), 'info', dir, '--json'], { encoding: 'utf8' }).stdout);
    expect(json.samples[1].lock).toMatchObject({ host: 'node-9', pid: 777, since: '2023-03-03T03:03:03.000Z' });
    expect(json.samples[0].lock).toBeUndefined();
  });
});
