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

  const mc = randomConfiguration(settings, 2);
  mc.positions.set(q.positions); // equilibrate from a dense, overlap-free state
  mc.diameters.set(glass0.diameters);
  const [, mcSeconds] = time(() => runParentStage(settings, mc));
  const attempts = settings.sampling.sweeps * 1000;
  rows.push([`swap MC N=1000 3D, m=${taper}, T*=0.3, δ=0.2, p_swap=0.2`, `${(attempts / mcSeconds / 1e3).toFixed(0)}k attempts/s`, `${settings.sampling.sweeps} sweeps in ${mcSeconds.toFixed(2)} s; acceptance disp ${(mc.accepted.displacement / mc.attempted.displacement).toFixed(3)}, swap ${(mc.accepted.swap / mc.attempted.swap).toFixed(3)}`]);
}

console.log(`Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, single thread`);
console.log('');
console.log('| what | rate / time | detail |');
console.log('| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
