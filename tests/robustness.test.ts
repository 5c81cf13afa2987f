/**
 * Issue 12, item 8: bad inputs and faults through the real CLI (bin/glassmodes.mjs), every command.
 * For each case: the exit code (docs/CLI.md), the message, no stack trace ("    at " lines), and —
 * where nothing should change — the project folder byte-identical (sha256 of every file). One
 * small project (2D, N = 64, two samples, T* = ∞) is built and analysed once and copied per case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from './helpers/fingerprint';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-robust-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const bin = join(repoRoot, 'bin/glassmodes.mjs');

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI, asynchronously (cases run side by side). */
function cli(args: string[], cwd = repoRoot): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const cliSync = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: repoRoot });


const STACK = /^\s+at /m;
const base = join(scratch, 'base'); // 2D, N = 64, 2 samples, T* = ∞, run and analysed
const mc = join(scratch, 'mc'); // 2D, N = 64, T* = 0.5, 200 sweeps, 1 sample, not run
const wide = join(scratch, 'wide'); // 3000 samples, not run: a long `info`
const demoDir = join(scratch, 'demo'); // a demo folder begun with N = 64

beforeAll(() => {
  const steps: string[][] = [
    ['new', base, '--dim', '2', '--particles', '64', '--parent-temperature', 'inf', '--samples', '2', '--seed', '3', '--no-estimate'],
    ['run', base, '--in-process', '--no-estimate'],
    ['analyze', base, '--quiet', '--bootstrap', '10'],
    ['new', mc, '--dim', '2', '--particles', '64', '--parent-temperature', '0.5', '--sweeps', '200', '--samples', '1', '--seed', '5', '--no-estimate'],
    ['new', wide, '--dim', '2', '--particles', '64', '--parent-temperature', 'inf', '--samples', '3000', '--seed', '1', '--no-estimate', '--no-spectrum'],
    ['new', join(demoDir, 'high-T-m2'), '--dim', '3', '--particles', '64', '--taper', '2', '--parent-temperature', 'inf', '--sweeps', '0', '--samples', '1', '--seed', '2024', '--no-estimate'],
  ];
  for (const args of steps) {
    const r = cliSync(args);
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
}, 120_000);

/** Byte offset of the data in a .npy file. */
const npyOffset = (bytes: Buffer) => 10 + bytes.readUInt16LE(8);
function setEigenvalue(p: string, index: number, value: number, id = 's0001') {
  const path = join(p, 'samples', id, 'eigenvalues.npy');
  const bytes = readFileSync(path);
  bytes.writeDoubleLE(value, npyOffset(bytes) + 8 * index);
  writeFileSync(path, bytes);
}
function truncateNpy(p: string, file: string, values: number, id = 's0000') {
  const path = join(p, 'samples', id, file);
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, npyOffset(bytes) + 8 * values));
}
function editJson(path: string, edit: (x: Record<string, unknown>) => void) {
  const x = JSON.parse(readFileSync(path, 'utf8'));
  edit(x);
  writeFileSync(path, JSON.stringify(x, null, 2));
}
const editTaper = (p: string) => editJson(join(p, 'project.json'), (x) => ((x.settings as { model: { taper: number } }).model.taper = 3));
const olderSummary = (p: string) =>
  editJson(join(p, 'analysis', 'summary.json'), (x) => {
    for (const k of ['ghet', 'partialSamples', 'needsFullSpectrum', 'rotationalFraction', 'partialSpectrumBelow', 'stressSlope', 'tableOne', 'pressure']) delete x[k];
    delete (x.meanRatio as Record<string, unknown>).windows;
    x.s = 2.5;
  });

interface Case {
  name: string;
  /** Which prepared folder the case gets a copy of ('none': a fresh path that does not exist). */
  from: 'base' | 'mc' | 'wide' | 'demo' | 'none';
  /** Damage done to the copy before the command. */
  prepare?: (p: string) => void;
  args: (p: string, out: string) => string[];
  code: number;
  message: RegExp;
  /** Default true: the folder is byte-identical afterwards (or, for 'none', still absent). */
  untouched?: boolean;
  then?: (p: string, r: Result) => void;
}

const theory = ['theory', '--gamma', '0.1', '--bulk', '3'];
const CASES: Case[] = [
  // no command, unknown command
  { name: 'no command', from: 'none', args: () => [], code: 2, message: /commands:/ },
  { name: 'unknown command', from: 'none', args: () => ['frobnicate'], code: 2, message: /unknown command 'frobnicate'/ },
  // new
  { name: 'new: no folder', from: 'none', args: () => ['new', '--dim', '2'], code: 2, message: /new takes one folder/ },
  { name: 'new: unknown option', from: 'none', args: (p) => ['new', p, '--colour', 'red'], code: 2, message: /Unknown option '--colour'/ },
  { name: 'new: N = 10^7', from: 'none', args: (p) => ['new', p, '--particles', '10000000', '--parent-temperature', 'inf'], code: 1, message: /model\.particles must be an integer in \[2, 5000000\].*longest string/ },
  { name: 'new: N = 10^6 full spectrum is beyond this machine', from: 'none', args: (p) => ['new', p, '--particles', '1000000', '--parent-temperature', 'inf', '--spectrum', 'full', '--no-estimate'], code: 1, message: /refused before anything was written: it needs ~\S+ TB of memory per worker.*--force/ },
  { name: 'new: taper m = 10^6 underflows', from: 'none', args: (p) => ['new', p, '--dim', '2', '--particles', '64', '--taper', '1000000', '--parent-temperature', 'inf'], code: 1, message: /model\.taper .*underflows to 0.*the largest m that keeps it is \d+/ },
  { name: 'new: taper m = 1', from: 'none', args: (p) => ['new', p, '--dim', '2', '--particles', '64', '--taper', '1', '--parent-temperature', 'inf'], code: 1, message: /model\.taper must be an integer m ≥ 2/ },
  { name: 'new: d = 4', from: 'none', args: (p) => ['new', p, '--dim', '4', '--particles', '64', '--parent-temperature', 'inf'], code: 1, message: /model\.dim must be 2 or 3/ },
  { name: 'new: N not a number', from: 'none', args: (p) => ['new', p, '--particles', 'many'], code: 2, message: /--particles must be an integer, got 'many'/ },
  { name: 'new: box too small', from: 'none', args: (p) => ['new', p, '--dim', '2', '--particles', '10', '--parent-temperature', 'inf'], code: 1, message: /box side L/ },
  { name: 'new: 0 samples', from: 'none', args: (p) => ['new', p, '--dim', '2', '--particles', '64', '--samples', '0', '--parent-temperature', 'inf'], code: 1, message: /samples must be an integer in \[1, 100000\]/ },
  { name: 'new: --chains 0', from: 'none', args: (p) => ['new', p, '--dim', '2', '--particles', '64', '--chains', '0', '--parent-temperature', '0.5'], code: 2, message: /--chains .* ≥ 1/ },
  { name: 'new: negative T*', from: 'none', args: (p) => ['new', p, '--dim', '2', '--particles', '64', '--parent-temperature=-1'], code: 1, message: /parentTemperature must be a positive number/ },
  { name: 'new: density 0', from: 'none', args: (p) => ['new', p, '--dim', '2', '--particles', '64', '--density', '0', '--parent-temperature', 'inf'], code: 1, message: /model\.density must be a positive number/ },
  { name: 'new: over an existing project', from: 'base', args: (p) => ['new', p, '--dim', '2', '--particles', '64', '--parent-temperature', 'inf'], code: 1, message: /already holds a glassmodes project/ },
  // run
  { name: 'run: not a project', from: 'none', args: (p) => ['run', p], code: 1, message: /is not a glassmodes project: it has no project\.json/ },
  { name: 'run: --jobs 0', from: 'base', args: (p) => ['run', p, '--jobs', '0'], code: 2, message: /--jobs must be an integer ≥ 1/ },
  { name: 'run: --jobs abc', from: 'base', args: (p) => ['run', p, '--jobs', 'abc'], code: 2, message: /--jobs must be an integer, got 'abc'/ },
  { name: 'run: --jobs 1000 is capped', from: 'mc', args: (p) => ['run', p, '--jobs', '1000', '--no-estimate'], code: 0, message: /--jobs 1000 capped to 1/, untouched: false },
  { name: 'run: --samples out of range', from: 'base', args: (p) => ['run', p, '--samples', '5-9'], code: 2, message: /outside this project's samples 0-1/ },
  { name: 'run: --chains on independent samples', from: 'base', args: (p) => ['run', p, '--chains', '0'], code: 2, message: /--chains applies to projects made of chains/ },
  { name: 'run: --redo of no sample', from: 'base', args: (p) => ['run', p, '--redo', 's0099'], code: 2, message: /--redo s0099: not a sample of this project/ },
  { name: 'run: corrupt project.json', from: 'base', prepare: (p) => writeFileSync(join(p, 'project.json'), '{"format": "glassmodes-pro'), args: (p) => ['run', p], code: 1, message: /project\.json is corrupt: it is not valid JSON/ },
  { name: 'run: eigenvalues.npy holds 50 of 128 values', from: 'base', prepare: (p) => truncateNpy(p, 'eigenvalues.npy', 50), args: (p) => ['run', p, '--no-estimate'], code: 1, message: /s0000: damaged: samples\/s0000\/eigenvalues\.npy: expected 128 float64 values, file holds 50; recompute it with glassmodes run .* --redo s0000/ },
  { name: 'run: garbage MC checkpoint is refused, not restarted', from: 'mc', prepare: (p) => writeFileSync(join(p, 'samples/s0000/checkpoint.json'), (mkdirSync(join(p, 'samples/s0000'), { recursive: true }), '{"format":"glassmodes-mc-checkpoint","positions":[1,2],"sweepsDone":7}')), args: (p) => ['run', p, '--no-estimate'], code: 1, message: /samples\/s0000\/checkpoint\.json: positions must be 128 finite numbers \(dN\), got 2 entries/ },
  { name: 'run: MC checkpoint that is not JSON', from: 'mc', prepare: (p) => writeFileSync(join(p, 'samples/s0000/checkpoint.json'), (mkdirSync(join(p, 'samples/s0000'), { recursive: true }), '\u0000\u0001garbage')), args: (p) => ['run', p, '--no-estimate'], code: 1, message: /samples\/s0000\/checkpoint\.json: not valid JSON/ },
  { name: 'run: taper edited in project.json', from: 'base', prepare: editTaper, args: (p) => ['run', p], code: 1, message: /project\.json was edited after samples were computed: 2 sample\(s\).*model\.taper: 2 → 3/ },
  {
    name: 'run --redo recomputes a damaged sample bit for bit, keeping the old files aside',
    from: 'base',
    prepare: (p) => truncateNpy(p, 'eigenvalues.npy', 50),
    args: (p) => ['run', p, '--redo', 's0000', '--in-process', '--no-estimate'],
    code: 0,
    message: /s0000: its files moved to .*replaced-/,
    untouched: false,
    then: (p) => {
      const eigen = (dir: string) => createHash('sha256').update(readFileSync(join(dir, 'samples/s0000/eigenvalues.npy'))).digest('hex');
      expect(eigen(p)).toBe(eigen(base));
      const aside = readdirSync(join(p, 'samples/s0000')).filter((n) => n.startsWith('replaced-'));
      expect(aside.length).toBe(1);
      expect(statSync(join(p, 'samples/s0000', aside[0], 'eigenvalues.npy')).size).toBe(128 + 50 * 8);
    },
  },
  // info
  { name: 'info: not a project', from: 'none', args: (p) => ['info', p], code: 1, message: /is not a glassmodes project/ },
  { name: 'info: unknown option', from: 'base', args: (p) => ['info', p, '--verbose'], code: 2, message: /Unknown option '--verbose'/ },
  { name: 'info: truncated meta.json is reported, not dropped', from: 'base', prepare: (p) => writeFileSync(join(p, 'samples/s0000/meta.json'), readFileSync(join(p, 'samples/s0000/meta.json')).subarray(0, 200)), args: (p) => ['info', p], code: 0, message: /s0000\s+damaged\s+damaged: samples\/s0000\/meta\.json: not valid JSON[\s\S]*1 damaged: glassmodes run .* --redo s0000/ },
  { name: 'info: NaN in eigenvalues.npy', from: 'base', prepare: (p) => setEigenvalue(p, 40, NaN), args: (p) => ['info', p], code: 0, message: /s0001\s+damaged.*eigenvalues\.npy: value 40 is NaN, not a finite number/ },
  // analyze
  { name: 'analyze: not a project', from: 'none', args: (p) => ['analyze', p], code: 1, message: /is not a glassmodes project/ },
  { name: 'analyze: 50 of 128 eigenvalues', from: 'base', prepare: (p) => truncateNpy(p, 'eigenvalues.npy', 50), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /1 sample\(s\) of .* are damaged, so nothing was analysed:\n\s+s0000: samples\/s0000\/eigenvalues\.npy: expected 128 float64 values, file holds 50\nrecompute them with glassmodes run .* --redo s0000/ },
  { name: 'analyze: NaN injected', from: 'base', prepare: (p) => setEigenvalue(p, 40, NaN), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /s0001: samples\/s0001\/eigenvalues\.npy: value 40 is NaN/ },
  { name: 'analyze: −5 injected as the lowest value', from: 'base', prepare: (p) => setEigenvalue(p, 0, -5), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /eigenvalues\.npy: its lowest value -5 is not the .* meta\.json records/ },
  { name: 'analyze: −5 injected among the others', from: 'base', prepare: (p) => setEigenvalue(p, 60, -5), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /eigenvalues\.npy: not ascending: value 60 \(-5\)/ },
  {
    name: 'analyze: a negative eigenvalue meta.json does not report',
    from: 'base',
    prepare: (p) => {
      setEigenvalue(p, 0, -5);
      setEigenvalue(p, 1, -4);
      editJson(join(p, 'samples/s0001/meta.json'), (m) => ((m.spectrum as Record<string, number>).lowestEigenvalue = -5));
    },
    args: (p) => ['analyze', p, '--quiet'],
    code: 1,
    message: /below −.* besides the zero modes, although meta\.json says the sample is stable/,
  },
  { name: 'analyze: float32 eigenvalues', from: 'base', prepare: (p) => writeFileSync(join(p, 'samples/s0000/eigenvalues.npy'), Buffer.from(readFileSync(join(p, 'samples/s0000/eigenvalues.npy')).toString('latin1').replace("'<f8'", "'<f4'"), 'latin1')), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /eigenvalues\.npy: only little-endian float64 \('<f8'\)/ },
  { name: 'analyze: modes.npy truncated', from: 'base', prepare: (p) => truncateNpy(p, 'modes.npy', 1000), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /samples\/s0000\/modes\.npy: its header says 16384 float64 values, the file holds 1000/ },
  { name: 'analyze: config.extxyz truncated', from: 'base', prepare: (p) => writeFileSync(join(p, 'samples/s0000/config.extxyz'), readFileSync(join(p, 'samples/s0000/config.extxyz')).subarray(0, 900)), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /samples\/s0000\/config\.extxyz: / },
  { name: 'analyze: truncated meta.json', from: 'base', prepare: (p) => writeFileSync(join(p, 'samples/s0001/meta.json'), '{"id": "s0001", "se'), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /s0001: samples\/s0001\/meta\.json: not valid JSON/ },
  { name: 'analyze: meta.json of another seed', from: 'base', prepare: (p) => editJson(join(p, 'samples/s0001/meta.json'), (m) => (m.seed = 1)), args: (p) => ['analyze', p, '--quiet'], code: 1, message: /meta\.json: its seed is 1, expected \d+/ },
  { name: 'analyze: taper edited in project.json', from: 'base', prepare: editTaper, args: (p) => ['analyze', p, '--quiet'], code: 1, message: /was edited after samples were computed.*\(model\.taper: 2 → 3\)/ },
  { name: 'analyze: --bootstrap 0', from: 'base', args: (p) => ['analyze', p, '--bootstrap', '0'], code: 2, message: /--bootstrap: bootstrapResamples must be an integer in \[10, 100000\], got 0/ },
  { name: 'analyze: --bootstrap 1e9', from: 'base', args: (p) => ['analyze', p, '--bootstrap', '1e9'], code: 2, message: /--bootstrap: .*got 1000000000/ },
  { name: 'analyze: --ratio-window 0', from: 'base', args: (p) => ['analyze', p, '--ratio-window', '0'], code: 2, message: /--ratio-window: .*a window narrower than 3 holds none/ },
  { name: 'analyze: --ratio-window wider than the spectrum', from: 'base', args: (p) => ['analyze', p, '--ratio-window', '1000', '--quiet'], code: 2, message: /--ratio-window: ratioEdgeWidth 1000 is wider than the 126 non-zero levels/ },
  { name: 'analyze: --window=-5,-1', from: 'base', args: (p) => ['analyze', p, '--window=-5,-1'], code: 2, message: /--window: exponentWindow must be \[lo, hi\] with 0 ≤ lo < hi/ },
  { name: 'analyze: --window -5,-1 (read as an option)', from: 'base', args: (p) => ['analyze', p, '--window', '-5,-1'], code: 2, message: /--window/ },
  { name: 'analyze: --window outside the spectrum', from: 'base', args: (p) => ['analyze', p, '--window', '100,200', '--quiet'], code: 2, message: /--window: the exponent window \[100, 200\] holds 0 of the non-zero frequencies/ },
  { name: 'analyze: --window one number', from: 'base', args: (p) => ['analyze', p, '--window', '1'], code: 2, message: /--window must be lo,hi with lo < hi/ },
  { name: 'analyze: no finished sample', from: 'mc', args: (p) => ['analyze', p, '--quiet'], code: 1, message: /has no finished samples yet \(1 pending\)/ },
  // figure
  { name: 'figure: --zeta=-5', from: 'base', args: (p, o) => ['figure', p, 'ghet', '--zeta=-5', '--out', o + '.svg'], code: 2, message: /--zeta: zeta must be a positive number/ },
  { name: 'figure: --out is a folder', from: 'base', args: (p) => ['figure', p, 'dos', '--out', join(scratch, 'a-folder.svg')], code: 2, message: /is a folder; give a file name/ },
  { name: 'figure: an older summary.json is still drawn', from: 'base', prepare: olderSummary, args: (p, o) => ['figure', p, 'dos', '--out', o + '.svg', '--quiet'], code: 0, message: /^/, then: (_p, r) => expect(r.stderr).toBe('') },
  { name: 'figure: idos of an older summary.json', from: 'base', prepare: olderSummary, args: (p, o) => ['figure', p, 'idos', '--out', o + '.svg', '--quiet'], code: 0, message: /^/ },
  { name: 'figure: summary.json not JSON', from: 'base', prepare: (p) => writeFileSync(join(p, 'analysis/summary.json'), '{"s": '), args: (p, o) => ['figure', p, 'dos', '--out', o + '.svg'], code: 1, message: /summary\.json is not valid JSON .*run glassmodes analyze .* again/ },
  { name: 'figure: a CSV summary.json lists is missing', from: 'base', prepare: (p) => rmSync(join(p, 'analysis/dos_log.csv')), args: (p, o) => ['figure', p, 'dos', '--out', o + '.svg'], code: 1, message: /dos_log\.csv is missing although summary\.json lists it/ },
  { name: 'figure: not analysed', from: 'mc', args: (p, o) => ['figure', p, 'dos', '--out', o + '.svg'], code: 1, message: /has not been analysed/ },
  { name: 'figure: unknown kind', from: 'base', args: (p, o) => ['figure', p, 'pie', '--out', o + '.svg'], code: 2, message: /unknown figure kind 'pie'/ },
  { name: 'figure: --dpi 10', from: 'base', args: (p, o) => ['figure', p, 'dos', '--out', o + '.png', '--dpi', '10'], code: 2, message: /--dpi/ },
  { name: 'figure: het --gamma=-1', from: 'none', args: (_p, o) => ['figure', 'het', '--gamma=-1', '--out', o + '.svg'], code: 2, message: /--gamma must be ≥ 0/ },
  { name: 'figure: --out inside samples/ of a project', from: 'base', args: (p) => ['figure', 'het', '--out', join(p, 'samples', 'x.svg'), '--force'], code: 2, message: /would replace samples\/x\.svg, a file of the project/ },
  // compare
  { name: 'compare: an older summary.json', from: 'base', prepare: olderSummary, args: (p) => ['compare', p], code: 0, message: /∞\s+2\s+1\.01\d+ ± 0\.00\d+\s+2\s+—/ },
  { name: 'compare: summary.json not JSON', from: 'base', prepare: (p) => writeFileSync(join(p, 'analysis/summary.json'), 'not json'), args: (p) => ['compare', p], code: 1, message: /summary\.json is not valid JSON/ },
  { name: 'compare: --out over project.json', from: 'base', args: (p) => ['compare', p, '--out', join(p, 'project.json'), '--force'], code: 2, message: /would replace project\.json, a file of the project/ },
  { name: 'compare: not a project', from: 'none', args: (p) => ['compare', p], code: 1, message: /is not a glassmodes project/ },
  { name: 'compare: taper edited', from: 'base', prepare: editTaper, args: (p) => ['compare', p], code: 1, message: /was edited after samples were computed/ },
  { name: 'compare: a damaged sample is left out, and said so', from: 'base', prepare: (p) => setEigenvalue(p, 40, NaN), args: (p) => ['compare', p], code: 0, message: /1\.01\d+ ± \S+\s+1\s[\s\S]*note: .*1 damaged sample\(s\) left out \(s0001\)/ },
  // theory
  { name: 'theory: --points 1e7', from: 'none', args: (_p, o) => [...theory, '--points', '1e7', '--out', o + '.csv'], code: 2, message: /--points must be an integer in \[2, 100000\], got 10000000/ },
  { name: 'theory: --points 1', from: 'none', args: (_p, o) => [...theory, '--points', '1', '--out', o + '.csv'], code: 2, message: /--points must be an integer in \[2, 100000\]/ },
  { name: 'theory: --omega-max=-1', from: 'none', args: (_p, o) => [...theory, '--omega-max=-1', '--out', o + '.csv'], code: 2, message: /--omega-max must be positive/ },
  { name: 'theory: --bulk 0', from: 'none', args: (_p, o) => ['theory', '--gamma', '0.1', '--bulk', '0', '--out', o + '.csv'], code: 2, message: /--bulk \(K\/G0\) must be positive/ },
  { name: 'theory: --out is a folder', from: 'none', args: () => [...theory, '--out', scratch], code: 2, message: /is a folder; give a file name/ },
  { name: 'theory: no --out', from: 'none', args: () => theory, code: 2, message: /theory needs --gamma, --bulk and --out/ },
  { name: 'theory: --out into a missing folder', from: 'none', args: (p) => [...theory, '--out', join(p, 'x.csv')], code: 2, message: /does not exist/ },
  // demo
  { name: 'demo: a folder made with other settings', from: 'demo', args: (p) => ['demo', p, '--particles', '125', '--samples', '1', '--equilibrate', '10', '--jobs', '1'], code: 1, message: /high-T-m2 was made by an earlier demo with other settings \(model\.particles: 64 → 125, spectrum\.storedModes: 192 → 300\)/ },
  { name: 'demo: --jobs 0', from: 'none', args: (p) => ['demo', p, '--jobs', '0'], code: 2, message: /--jobs must be an integer ≥ 1/ },
  { name: 'demo: N too small for the box', from: 'none', args: (p) => ['demo', p, '--particles', '10'], code: 1, message: /model\.particles must be large enough/ },
  { name: 'demo: two folders', from: 'none', args: (p) => ['demo', p, p + '2'], code: 2, message: /demo takes at most one folder/ },
  // relaxation
  { name: 'relaxation: missing settings', from: 'none', args: (p) => ['relaxation', '--out', p], code: 2, message: /relaxation needs --temperatures, --equilibrate, --sweeps and --out/ },
  { name: 'relaxation: temperatures not numbers', from: 'none', args: (p) => ['relaxation', '--temperatures', 'a,b', '--equilibrate', '10', '--sweeps', '10', '--out', p], code: 1, message: /temperatures \(--temperatures\) must be positive finite numbers/ },
  { name: 'relaxation: --sweeps=-5', from: 'none', args: (p) => ['relaxation', '--temperatures', '0.5', '--equilibrate', '10', '--sweeps=-5', '--out', p], code: 1, message: /sweeps \(--sweeps\) must be a positive integer/ },
  { name: 'relaxation: positional argument', from: 'none', args: (p) => ['relaxation', p], code: 2, message: /relaxation takes no positional arguments/ },
  // reproduce
  { name: 'reproduce: --scale huge', from: 'none', args: (p) => ['reproduce', p, '--scale', 'huge'], code: 2, message: /--scale must be quick or paper, got 'huge'/ },
  { name: 'reproduce: --jobs 0', from: 'none', args: (p) => ['reproduce', p, '--jobs', '0'], code: 2, message: /--jobs must be an integer ≥ 1, got 0/ },
  { name: 'reproduce: no folder', from: 'none', args: () => ['reproduce'], code: 2, message: /reproduce takes one directory/ },
];

describe('bad inputs and faults through the CLI (issue 12, item 8)', () => {
  it('has at least 60 cases across every command', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const commands = new Set(CASES.map((c) => c.name.split(':')[0].split(' ')[0]));
    for (const command of ['new', 'run', 'info', 'analyze', 'figure', 'compare', 'theory', 'demo', 'relaxation', 'reproduce']) expect(commands, command).toContain(command);
  });

  mkdirSync(join(scratch, 'a-folder.svg'), { recursive: true });
  it.concurrent.each(CASES.map((c, k) => [c.name, c, k] as const))('%s', async (_name, c, k) => {
    const p = join(scratch, `case-${k}`);
    const out = join(scratch, `out-${k}`);
    if (c.from !== 'none') cpSync({ base, mc, wide, demo: demoDir }[c.from], p, { recursive: true, verbatimSymlinks: true });
    c.prepare?.(p);
    const before = fingerprint(p);
    const r = await cli(c.args(p, out));
    const text = r.stdout + r.stderr;
    expect(text, 'a stack trace').not.toMatch(STACK);
    expect(r.status, text).toBe(c.code);
    expect(text).toMatch(c.message);
    if (c.untouched !== false) {
      if (c.from === 'none') expect(existsSync(p), `${p} was created`).toBe(false);
      else expect(fingerprint(p)).toEqual(before);
    }
    c.then?.(p, r);
  }, 120_000);
});

describe('pipes, full disks and read-only places', () => {
  it('info | head: a reader that closes the pipe ends the output quietly (EPIPE)', async () => {
    const child = spawn(process.execPath, [bin, 'info', wide], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(STACK);
    expect(stderr).not.toMatch(/EPIPE/);
    expect(status).toBe(0);
  });

  // A tiny tmpfs makes the disk full for real (root with mount permission; CI containers may not have it).
  const mounted = (() => {
    if (process.getuid?.() !== 0) return false;
    const probe = join(scratch, 'probe');
    mkdirSync(probe, { recursive: true });
    const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
    if (ok) spawnSync('umount', [probe]);
    return ok;
  })();
  const mount = (dir: string, options: string) => {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return () => spawnSync('umount', ['-l', dir]);
  };

  it.skipIf(!mounted)('analyze on a full disk: a message and exit code 3, the samples and project.json unchanged', async () => {
    const disk = join(scratch, 'full');
    const unmount = mount(disk, 'size=1m');
    try {
      const p = join(disk, 'p');
      cpSync(base, p, { recursive: true, verbatimSymlinks: true });
      // Never analysed: no analysis versions whose removal would free space for the new one.
      rmSync(join(p, 'analysis'), { recursive: true });
      rmSync(join(p, '.analysis'), { recursive: true, force: true });
      mkdirSync(join(p, 'analysis'));
      // Fill what is left but a few kB: the CSVs no longer fit.
      const free = () => Number(spawnSync('df', ['--output=avail', '-B1', disk], { encoding: 'utf8' }).stdout.trim().split('\n')[1]);
      writeFileSync(join(disk, 'filler'), Buffer.alloc(Math.max(0, free() - 8192)));
      const before = fingerprint(p);
      const r = await cli(['analyze', p, '--quiet', '--bootstrap', '10']);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/no space left on the device while writing .*analysis.*: free some space/);
      const after = fingerprint(p);
      for (const [file, hash] of Object.entries(before)) if (!file.includes('analysis')) expect(after[file], file).toBe(hash);
    } finally {
      unmount();
    }
  });

  it.skipIf(!mounted)('analyze and --out on a read-only file system: messages, nothing changed', async () => {
    const disk = join(scratch, 'ro');
    mkdirSync(disk, { recursive: true });
    cpSync(base, join(disk, 'p'), { recursive: true, verbatimSymlinks: true });
    const before = fingerprint(join(disk, 'p'));
    const unmountRw = mount(disk, 'size=4m');
    cpSync(base, join(disk, 'p'), { recursive: true, verbatimSymlinks: true });
    spawnSync('mount', ['-o', 'remount,ro', disk]);
    try {
      const p = join(disk, 'p');
      const analysed = await cli(['analyze', p, '--quiet', '--bootstrap', '10']);
      expect(analysed.stderr).not.toMatch(STACK);
      expect(analysed.status, analysed.stderr).toBe(3);
      expect(analysed.stderr).toMatch(/is on a read-only file system; write somewhere else/);
      const theoryOut = await cli([...theory, '--points', '10', '--out', join(disk, 'x.csv')]);
      expect(theoryOut.status).toBe(2);
      expect(theoryOut.stderr).toMatch(/the folder .* cannot be written/);
      expect(fingerprint(p)).toEqual(before);
    } finally {
      unmountRw();
    }
  });
});

describe('the resource check before a run (issue 12, item 5)', () => {
  it('refuses more workers than the memory holds, names the --jobs that fit, and lets --force through', async () => {
    const { checkResources } = await import('../cli/resources');
    const { estimateResources } = await import('../engine/pipeline/resources');
    const { validateSettings } = await import('../engine/model/settings');
    const settings = validateSettings({ model: { dim: 3, particles: 2000 }, spectrum: { method: 'full' } });
    const e = estimateResources(settings);
    // The dense solver's 4 (dN)² doubles dominate at dN = 6000.
    expect(e.memoryPerWorker).toBeGreaterThan(4 * 6000 ** 2 * 8);
    const machine = { totalMemory: (2.5 * e.memoryPerWorker) / 0.9, freeMemory: 0, freeDisk: 1e12 };
    const lines: string[] = [];
    const check = (jobs: number, force = false) => checkResources(settings, { jobs, samples: 4, dir: scratch, action: 'run it', force, machine }, (l) => lines.push(l));
    expect(() => check(2)).not.toThrow();
    expect(() => check(3)).toThrow(/× 3 workers = .*: use --jobs 2\. If it is meant for a bigger machine, run it with --force/);
    expect(() => check(3, true)).not.toThrow();
    expect(lines.at(-1)).toMatch(/^warning \(--force\)/);
    const tiny = { ...machine, freeDisk: e.diskPerSample * 3 };
    expect(() => checkResources(settings, { jobs: 1, samples: 4, dir: scratch, action: 'run it', machine: tiny }, () => {})).toThrow(/its 4 sample\(s\) need ~.* on disk/);
  });
});
