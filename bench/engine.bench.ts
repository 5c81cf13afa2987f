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
import { lastRun, swapMonteCarlo } from '../engine/sim/swapMonteCarlo';
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

  // Swap MC from the inherent structure (dense, overlap-free) at T* = 0.3: the fast implementation,
  // the reference it is tested against, and the C code, on the same configuration.
  const box = { dim: 3 as const, side: boxSide(settings.model) };
  const potential = makePairPotential(settings.model);
  const parameters = { temperature: 0.3, swapProbability: 0.2, maxDisplacement: 0.2 };
  const start = () => {
    const mc = randomConfiguration(settings, 2);
    mc.positions.set(q.positions);
    mc.diameters.set(glass0.diameters);
    return mc;
  };
  const mcRow = (label: string, run: typeof swapMonteCarlo, sweeps: number, note = '') => {
    const mc = start();
    run(mc, box, potential, parameters, 20); // warm-up (JIT)
    const [, seconds] = time(() => run(mc, box, potential, parameters, sweeps));
    const rate = (sweeps * 1000) / seconds;
    rows.push([`swap MC N=1000 3D, m=${taper}, T*=0.3, δ=0.2, p_swap=0.2: ${label}`, `${(rate / 1e3).toFixed(0)}k attempts/s`, `${sweeps} sweeps in ${seconds.toFixed(2)} s; acceptance disp ${(mc.accepted.displacement / mc.attempted.displacement).toFixed(3)}, swap ${(mc.accepted.swap / mc.attempted.swap).toFixed(3)}${note}`]);
    return rate;
  };
  const fast = mcRow('engine (neighbour lists + pair energies + early rejection)', swapMonteCarlo, 2000);
  rows[rows.length - 1][2] += `; ${lastRun.relistings} re-listings, ${lastRun.listCapacity} list slots`;
  const reference = mcRow('reference (cell grid, every energy recomputed)', swapMonteCarloReference, 200);
  rows.push([`  ratio engine / reference (m=${taper})`, `${(fast / reference).toFixed(2)}×`, '']);
  if (haveC) {
    const file = join(scratch, `is-${taper}.txt`);
    writeFileSync(file, Array.from(glass0.diameters, (a, i) => `${a} ${q.positions[3 * i]} ${q.positions[3 * i + 1]} ${q.positions[3 * i + 2]}`).join('\n'));
    const [rate, dispAcc, swapAcc] = execFileSync(cBinary, ['1000', String(taper), '0.3', '600', file], { encoding: 'utf8' }).trim().split(' ').map(Number);
    rows.push([`swap MC N=1000 3D, m=${taper}, T*=0.3: plain C -O3 (bench/reference/swapmc.c, cells ≥ r_c, 27 cells)`, `${(rate / 1e3).toFixed(0)}k attempts/s`, `600 sweeps; acceptance disp ${dispAcc.toFixed(3)}, swap ${swapAcc.toFixed(3)}`]);
    rows.push([`  ratio engine / C (m=${taper})`, `${(fast / rate).toFixed(2)}×`, '']);
  } else rows.push(['plain C reference', 'not run', `cc failed: ${cc.stderr.trim().split('\n')[0] ?? 'no compiler'}`]);
}

console.log(`Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, single thread`);
console.log('');
console.log('| what | rate / time | detail |');
console.log('| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
