/**
 * The swap Monte Carlo of another commit against this one and the plain C code, in turns in one
 * process (CPU time, medians): the before/after figures of docs/BENCHMARKS.md ("issue 9 item 1
 * continued"), robust to other work on the machine. Not part of `npm run bench`.
 *
 *   git archive <commit> engine | tar -x -C /tmp/before
 *   node --import tsx bench/mc-before-after.ts /tmp/before [turns, default 5]
 *
 * (/tmp/before needs a package.json with "type": "module" beside engine/, or tsx loads it as
 * CommonJS, where every imported binding in the hot loop is a getter and the old engine runs at
 * about half its speed.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { boxSide, validateSettings } from '../engine/model/settings';
import { makePairPotential } from '../engine/model/potential';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { swapMonteCarlo } from '../engine/sim/swapMonteCarlo';

const beforeDir = process.argv[2];
if (!beforeDir) throw new Error('usage: mc-before-after.ts <folder holding the other commit\'s engine/> [turns]');
const turns = Number(process.argv[3] ?? 5);
const before = (await import(pathToFileURL(resolve(beforeDir, 'engine/sim/swapMonteCarlo.ts')).href)).swapMonteCarlo as typeof swapMonteCarlo;
const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-mc-'));
const cBinary = join(scratch, 'swapmc');
const cc = spawnSync('cc', ['-O3', '-o', cBinary, join(import.meta.dirname, 'reference/swapmc.c'), '-lm'], { encoding: 'utf8' });
if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const k = (rate: number) => `${(rate / 1e3).toFixed(0)}k/s`;

console.log('| state (N = 1000, 3D, p_swap = 0.2) | before | after | plain C -O3 | before / C | after / C (range) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const taper of [2, 'inf'] as const) {
  const settings = validateSettings({ model: { dim: 3, particles: 1000, taper } });
  const glass0 = randomConfiguration(settings, 1); // the bench's configuration
  const q = runQuenchStage(settings, glass0.positions, glass0.diameters).positions;
  const file = join(scratch, `is-${taper}.txt`);
  writeFileSync(file, Array.from(glass0.diameters, (a, i) => `${a} ${q[3 * i]} ${q[3 * i + 1]} ${q[3 * i + 2]}`).join('\n'));
  const box = { dim: 3 as const, side: boxSide(settings.model) };
  const potential = makePairPotential(settings.model);
  for (const [temperature, delta] of [[0.3, 0.2], [0.1, 0.07]] as const) {
    const parameters = { temperature, swapProbability: 0.2, maxDisplacement: delta };
    const rates: Record<'before' | 'after' | 'c', number[]> = { before: [], after: [], c: [] };
    for (let turn = 0; turn < turns; turn++) {
      for (const [name, run] of [['before', before], ['after', swapMonteCarlo]] as const) {
        const mc = randomConfiguration(settings, 2);
        mc.positions.set(q);
        mc.diameters.set(glass0.diameters);
        run(mc, box, potential, parameters, 20); // warm-up (JIT)
        const t0 = process.cpuUsage();
        run(mc, box, potential, parameters, 400);
        const t = process.cpuUsage(t0);
        rates[name].push(400_000 / ((t.user + t.system) / 1e6));
      }
      rates.c.push(Number(execFileSync(cBinary, ['1000', String(taper), String(temperature), '150', file, String(delta)], { encoding: 'utf8' }).trim().split(' ')[3]));
    }
    const after = rates.after.map((r, t) => r / rates.c[t]);
    const was = rates.before.map((r, t) => r / rates.c[t]);
    console.log(`| m = ${taper === 'inf' ? '∞' : 2}, T* = ${temperature}, δ = ${delta} | ${k(median(rates.before))} | ${k(median(rates.after))} | ${k(median(rates.c))} | ${median(was).toFixed(2)}× | ${median(after).toFixed(2)}× (${Math.min(...after).toFixed(2)}–${Math.max(...after).toFixed(2)}) |`);
  }
}
