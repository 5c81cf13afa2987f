/**
 * Engine benchmarks (not tests): swap Monte Carlo attempts per second, force evaluations per
 * second, and the quench time at N = 1000 for tapers m = 2 and m = ∞.
 * Run: npm run bench   (results go to stdout as a Markdown table; record them in docs/BENCHMARKS.md)
 */
import { cpus, totalmem } from 'node:os';
import { validateSettings } from '../engine/model/settings';
import { randomConfiguration, runParentStage, runQuenchStage } from '../engine/pipeline/stages';
import { cutoffPairs, energyAndForces, makeGlass } from '../engine/model/glass';
import { createVerletList } from '../engine/space/neighbours';
import { boxSide } from '../engine/model/settings';
import { makePairPotential } from '../engine/model/potential';
import { fastMoves, lastRun, swapMonteCarlo } from '../engine/sim/swapMonteCarlo';
import { swapMonteCarloReference } from '../engine/sim/swapMonteCarloReference';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The named reference: a plain C code of the same moves (bench/reference/swapmc.c), compiled here.
const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-bench-'));
const cBinary = join(scratch, 'swapmc');
const cc = spawnSync('cc', ['-O3', '-o', cBinary, join(import.meta.dirname, 'reference/swapmc.c'), '-lm'], { encoding: 'utf8' });
const haveC = cc.status === 0;

const rows: string[][] = [];
const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const r = f();
  return [r, (performance.now() - t0) / 1000];
};
/** Wall and CPU seconds of f (CPU time: the figure that other work on the machine disturbs least). */
const timeBoth = (f: () => void): { wall: number; cpu: number } => {
  const c0 = process.cpuUsage();
  const [, wall] = time(f);
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
};
const k = (rate: number) => `${(rate / 1e3).toFixed(0)}k`;

for (const taper of [2, 'inf'] as const) {
  const settings = validateSettings({ model: { dim: 3, particles: 1000, taper }, sampling: { parentTemperature: 0.3, sweeps: 200 } });
  const glass0 = randomConfiguration(settings, 1);
  const [q, quenchSeconds] = time(() => runQuenchStage(settings, glass0.positions, glass0.diameters));
  rows.push([`quench N=1000 3D, m=${taper}, L-BFGS to max|f| ≤ 1e-10 from random positions`, `${quenchSeconds.toFixed(2)} s`, `${q.iterations} iterations, ${q.evaluations} force evaluations, converged: ${q.converged}`]);

  const glass = makeGlass(settings.model, glass0.diameters);
  const list = createVerletList(q.positions, glass.box, glass.potential.cutoff, 0.3);
  const f = new Float64Array(q.positions.length);
  const reps = 400;
  const [, forceSeconds] = time(() => {
    for (let k = 0; k < reps; k++) energyAndForces(glass, q.positions, list.pairs, f);
  });
  rows.push([`energy+forces N=1000 3D, m=${taper} (Verlet list, at the inherent structure)`, `${(reps / forceSeconds).toFixed(0)} /s`, `${((forceSeconds / reps) * 1e3).toFixed(3)} ms each; ${cutoffPairs(glass, q.positions).count} candidate pairs`]);

  // Swap MC from the inherent structure (dense, overlap-free): at T* = 0.3, δ = 0.2 the fast
  // implementation, the reference it is tested against, and the C code, on the same configuration;
  // at T* = 0.1, δ = 0.07 (what δ = auto tunes to there: ~35–40 % of displacements accepted, the
  // stable-glass regime) the engine and the C code. Rates: wall clock, and in brackets CPU time.
  const box = { dim: 3 as const, side: boxSide(settings.model) };
  const potential = makePairPotential(settings.model);
  const start = () => {
    const mc = randomConfiguration(settings, 2);
    mc.positions.set(q.positions);
    mc.diameters.set(glass0.diameters);
    return mc;
  };
  const file = join(scratch, `is-${taper}.txt`);
  writeFileSync(file, Array.from(glass0.diameters, (a, i) => `${a} ${q.positions[3 * i]} ${q.positions[3 * i + 1]} ${q.positions[3 * i + 2]}`).join('\n'));
  for (const [temperature, delta] of [[0.3, 0.2], [0.1, 0.07]] as const) {
    const parameters = { temperature, swapProbability: 0.2, maxDisplacement: delta };
    const state = `N=1000 3D, m=${taper}, T*=${temperature}, δ=${delta}, p_swap=0.2`;
    const mcRow = (label: string, run: typeof swapMonteCarlo, sweeps: number) => {
      const mc = start();
      run(mc, box, potential, parameters, 20); // warm-up (JIT)
      const t = timeBoth(() => run(mc, box, potential, parameters, sweeps));
      const rate = { wall: (sweeps * 1000) / t.wall, cpu: (sweeps * 1000) / t.cpu };
      rows.push([`swap MC ${state}: ${label}`, `${k(rate.wall)} attempts/s (cpu ${k(rate.cpu)})`, `${sweeps} sweeps in ${t.wall.toFixed(2)} s; acceptance disp ${(mc.accepted.displacement / mc.attempted.displacement).toFixed(3)}, swap ${(mc.accepted.swap / mc.attempted.swap).toFixed(3)}`]);
      return rate;
    };
    if (!haveC) {
      mcRow('engine (neighbour lists + pair energies + early rejection)', swapMonteCarlo, 2000);
      rows[rows.length - 1][2] += `; ${lastRun.relistings} re-listings, ${lastRun.listCapacity} list slots`;
      rows.push(['plain C reference', 'not run', `cc failed: ${cc.stderr.trim().split('\n')[0] ?? 'no compiler'}`]);
      continue;
    }
    // The engine and the C code in turns (three of each, 700 and 200 sweeps), so that both see the
    // same machine even when other work loads it; medians, and the ratio of each turn.
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    const engine: { wall: number; cpu: number }[] = [];
    const c: number[][] = [];
    const mc = start();
    swapMonteCarlo(mc, box, potential, parameters, 20); // warm-up (JIT)
    const counted = { displacement: mc.attempted.displacement, swap: mc.attempted.swap, accD: mc.accepted.displacement, accS: mc.accepted.swap };
    for (let turn = 0; turn < 3; turn++) {
      const t = timeBoth(() => swapMonteCarlo(mc, box, potential, parameters, 700));
      engine.push({ wall: 700_000 / t.wall, cpu: 700_000 / t.cpu });
      c.push(execFileSync(cBinary, ['1000', String(taper), String(temperature), '200', file, String(delta)], { encoding: 'utf8' }).trim().split(' ').map(Number));
    }
    const accD = (mc.accepted.displacement - counted.accD) / (mc.attempted.displacement - counted.displacement);
    const accS = (mc.accepted.swap - counted.accS) / (mc.attempted.swap - counted.swap);
    const fast = { wall: median(engine.map((e) => e.wall)), cpu: median(engine.map((e) => e.cpu)) };
    rows.push([`swap MC ${state}: engine (${lastRun.kernel ? 'WebAssembly kernel' : 'TypeScript moves'}: neighbour lists + early rejection)`, `${k(fast.wall)} attempts/s (cpu ${k(fast.cpu)})`, `median of 3 × 700 sweeps; acceptance disp ${accD.toFixed(3)}, swap ${accS.toFixed(3)}; ${lastRun.relistings} re-listings (last turn), ${lastRun.listCapacity} list slots`]);
    // The TypeScript moves the kernel was ported from (the same chain), for the record.
    fastMoves.kernel = false;
    const script = mcRow('TypeScript moves (the kernel\'s source, the fallback where a host refuses WebAssembly)', swapMonteCarlo, 300);
    fastMoves.kernel = true;
    rows.push([`  ratio kernel / TypeScript moves (m=${taper}, T*=${temperature})`, `${(fast.wall / script.wall).toFixed(2)}× (cpu ${(fast.cpu / script.cpu).toFixed(2)}×)`, '']);
    if (temperature === 0.3) {
      const reference = mcRow('reference (cell grid, every energy recomputed)', swapMonteCarloReference, 200);
      rows.push([`  ratio engine / reference (m=${taper}, T*=${temperature})`, `${(fast.wall / reference.wall).toFixed(2)}× (cpu ${(fast.cpu / reference.cpu).toFixed(2)}×)`, '']);
    }
    const cWall = median(c.map((r) => r[0]));
    const cCpu = median(c.map((r) => r[3]));
    rows.push([`swap MC ${state}: plain C -O3 (bench/reference/swapmc.c, cells ≥ r_c, 27 cells)`, `${k(cWall)} attempts/s (cpu ${k(cCpu)})`, `median of 3 × 200 sweeps, in turns with the engine's; acceptance disp ${c[2][1].toFixed(3)}, swap ${c[2][2].toFixed(3)} (last turn)`]);
    const turnRatios = engine.map((e, t) => e.cpu / c[t][3]);
    rows.push([`  ratio engine / C (m=${taper}, T*=${temperature})`, `${(fast.wall / cWall).toFixed(2)}× (cpu ${median(turnRatios).toFixed(2)}×)`, `cpu ratio per turn: ${turnRatios.map((r) => r.toFixed(2)).join(', ')}`]);
  }
}

console.log(`Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, single thread`);
console.log('');
console.log('| what | rate / time | detail |');
console.log('| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
