// Issue 12 item 3: analysis/ is replaced as a whole. The real CLI is killed (SIGKILL) during
// `glassmodes analyze` at fault points inside the write (GLASSMODES_FAULT_PAUSE) and at timed
// delays; each time what readers see of analysis/ is, file by file (sha256), either the old
// analysis or the new one, never a mix; the next `analyze` removes what the killed one left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeProjectFolder, currentAnalysisFolder, readAnalysis } from '../engine/io/analysisFiles';
import { createProject } from '../engine/io/project';
import { runProject } from '../engine/io/runner';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-atomic-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const bin = join(repoRoot, 'bin/glassmodes.mjs');

/** sha256 of every file of an analysis folder; summary.json without its provenance date (it differs per run). */
function contentOf(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(folder).sort()) {
    let bytes: string | Buffer = readFileSync(join(folder, name));
    if (name === 'summary.json') bytes = bytes.toString('utf8').replace(/"date": "[^"]*"/, '"date": ""');
    out[name] = createHash('sha256').update(bytes).digest('hex');
  }
  return out;
}

let linked: string; // the old analysis as this version writes it: analysis → .analysis/<id>
let legacy: string; // the old analysis as a real analysis/ folder (a project analysed before)
let oldContent: Record<string, string>;
let newContent: Record<string, string>;

beforeAll(async () => {
  const base = join(scratch, 'base');
  createProject(base, { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { storedModes: 40, backend: 'reference' }, samples: 3, seed: 8 });
  expect((await runProject(base, { inProcess: true, samples: [0, 1] })).done).toHaveLength(2);
  analyzeProjectFolder(base); // the old analysis: 2 samples
  expect((await runProject(base, { inProcess: true })).done).toEqual(['s0002']); // the new one will have 3
  linked = join(scratch, 'linked');
  cpSync(base, linked, { recursive: true, verbatimSymlinks: true });
  legacy = join(scratch, 'legacy');
  cpSync(base, legacy, { recursive: true, verbatimSymlinks: true });
  const version = realpathSync(join(legacy, 'analysis'));
  rmSync(join(legacy, 'analysis'));
  cpSync(version, join(legacy, 'analysis'), { recursive: true });
  rmSync(join(legacy, '.analysis'), { recursive: true });
  oldContent = contentOf(join(base, 'analysis'));
  const reference = join(scratch, 'reference');
  cpSync(linked, reference, { recursive: true, verbatimSymlinks: true });
  const r = spawnSync(process.execPath, [bin, 'analyze', reference, '--quiet'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  newContent = contentOf(join(reference, 'analysis'));
  expect(Object.keys(newContent).length).toBeGreaterThan(8);
  expect(newContent['summary.json']).not.toBe(oldContent['summary.json']);
});

/** Runs `glassmodes analyze dir` and kills it -9 when it reports the fault point, or after `delay` ms. */
function analyzeAndKill(dir: string, how: { pause: string } | { delay: number }): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...('pause' in how ? { GLASSMODES_FAULT_PAUSE: how.pause } : {}) };
    const child = spawn(process.execPath, [bin, 'analyze', dir, '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if ('pause' in how && stderr.includes(`glassmodes: paused at ${how.pause}`)) child.kill('SIGKILL');
    });
    if ('delay' in how) setTimeout(() => child.kill('SIGKILL'), how.delay);
    child.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL', stderr }));
  });
}

/** What readers see is the old analysis or the new one, whole; returns which. */
function seenAs(dir: string): 'old' | 'new' {
  const folder = currentAnalysisFolder(dir);
  expect(folder).not.toBeNull();
  const seen = contentOf(folder!);
  const which = JSON.stringify(seen) === JSON.stringify(oldContent) ? 'old' : JSON.stringify(seen) === JSON.stringify(newContent) ? 'new' : 'mixed';
  expect(which, JSON.stringify({ seen, oldContent, newContent }, null, 1)).not.toBe('mixed');
  if (existsSync(join(dir, 'analysis'))) expect(contentOf(join(dir, 'analysis'))).toEqual(seen); // the path itself, followed
  expect(readAnalysis(dir)!.summary.samples).toBe(which === 'old' ? 2 : 3);
  return which as 'old' | 'new';
}

function trial(from: string, name: string): string {
  const dir = join(scratch, name);
  cpSync(from, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/**
 * The next `analyze` (the real CLI) or `run` (in this process: nothing is left to compute, it only
 * sweeps) repairs and removes what the killed one left: one version, linked, nothing else.
 * Returns what it said.
 */
async function cleanAfterNext(dir: string, via: 'analyze' | 'run'): Promise<string> {
  let said: string;
  if (via === 'analyze') {
    const r = spawnSync(process.execPath, [bin, 'analyze', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(contentOf(join(dir, 'analysis'))).toEqual(newContent);
    said = r.stdout + r.stderr;
  } else {
    const logs: string[] = [];
    await runProject(dir, { inProcess: true, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
    said = logs.join('\n');
  }
  expect(lstatSync(join(dir, 'analysis')).isSymbolicLink()).toBe(true);
  expect(readdirSync(join(dir, '.analysis'))).toEqual([realpathSync(join(dir, 'analysis')).split('/').pop()]);
  expect(readdirSync(dir).filter((n) => n.startsWith('.analysis.'))).toEqual([]);
  return said;
}

describe('kill -9 during analyze', () => {
  const points: [string, 'old' | 'new'][] = [
    ['analysis-file-1', 'old'],
    ['analysis-file-6', 'old'],
    ['analysis-before-swap', 'old'],
    ['analysis-after-swap', 'new'],
  ];
  for (const [point, expected] of points) {
    const via = point === 'analysis-file-6' ? 'analyze' : 'run';
    it(`at ${point}: analysis/ is the ${expected} analysis, whole, and the next ${via} cleans up`, async () => {
      const dir = trial(linked, `linked-${point}`);
      const { killed, stderr } = await analyzeAndKill(dir, { pause: point });
      expect(killed, stderr).toBe(true);
      expect(seenAs(dir)).toBe(expected);
      // The killed writer's lock is stale (its pid is gone) and is taken over; its leftovers go.
      const said = await cleanAfterNext(dir, via);
      expect(said).toMatch(/took over the stale lock .*\.analysis\/\.lock/);
      expect(said).toMatch(/removed what interrupted analyses left: \.analysis\/\d{13}-\d+/);
      expect(contentOf(join(dir, 'analysis'))).toEqual(via === 'analyze' ? newContent : expected === 'old' ? oldContent : newContent);
    });
  }

  for (const [point, expected] of [
    ['analysis-file-1', 'old'],
    ['analysis-swap-gap', 'new'],
    ['analysis-after-swap', 'new'],
  ] as const) {
    it(`on a project with a real analysis/ folder from before, at ${point}: readers see the ${expected} analysis, and the next run repairs and cleans up`, async () => {
      const dir = trial(legacy, `legacy-${point}`);
      expect(lstatSync(join(dir, 'analysis')).isDirectory()).toBe(true);
      const { killed } = await analyzeAndKill(dir, { pause: point });
      expect(killed).toBe(true);
      expect(seenAs(dir)).toBe(expected);
      if (point === 'analysis-file-1') {
        // Killed before the swap: the old folder is untouched, a real folder still; the staging goes.
        expect(lstatSync(join(dir, 'analysis')).isDirectory()).toBe(true);
        const logs: string[] = [];
        await runProject(dir, { inProcess: true, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
        expect(readdirSync(join(dir, '.analysis'))).toEqual([]);
        expect(contentOf(join(dir, 'analysis'))).toEqual(oldContent);
        return;
      }
      // In the gap the one moment without `analysis`: readers took the new version; the run puts the link back.
      if (point === 'analysis-swap-gap') expect(existsSync(join(dir, 'analysis'))).toBe(false);
      const said = await cleanAfterNext(dir, 'run');
      if (point === 'analysis-swap-gap') expect(said).toMatch(/analysis\/ restored to \.analysis\/\d{13}-\d+ after an interrupted analysis/);
      expect(contentOf(join(dir, 'analysis'))).toEqual(newContent);
    });
  }

  it('at timed delays (wherever the kill lands): always the old or the new analysis, whole', async () => {
    const seen: string[] = [];
    for (const delay of [700, 1800, 2900]) {
      const dir = trial(linked, `delay-${delay}`);
      await analyzeAndKill(dir, { delay });
      seen.push(seenAs(dir));
    }
    expect(seen).toHaveLength(3);
  });
});
