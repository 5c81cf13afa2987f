// Composition average of `glassmodes relaxation` scans run with the same temperatures and lengths
// under different seeds (each seed one composition): F_s(t) averaged over the seeds at each T, τ_α
// from the average (engine relaxationTime), the mode-coupling fit (engine fitModeCoupling), and a
// bootstrap over seeds for T_d (docs/REPRODUCTION.md "T_d").
//   node --import tsx scripts/relaxation-seeds.ts <folder holding seed<k>/fs.csv> <k> <k> …
import { readFileSync } from 'node:fs';
import { relaxationTime } from '../engine/analysis/relaxation';
import { fitModeCoupling } from '../engine/theory/modeCoupling';
import { createRng, uniformInt } from '../engine/random';
const base = process.argv[2];
const seeds = process.argv.slice(3).map(Number);
const read = (s: number) => {
  const lines = readFileSync(`${base}/seed${s}/fs.csv`, 'utf8').trim().split('\n');
  const temps = lines[0].split(',').slice(1).map((h) => Number(/T=([\d.]+)/.exec(h)![1]));
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return { temps, t: rows.map((r) => r[0]), fs: temps.map((_, j) => rows.map((r) => r[j + 1])) };
};
const data = seeds.map(read);
const temps = data[0].temps;
const t = data[0].t;
const analyse = (pick: number[]) => {
  const taus: (number | null)[] = temps.map((_, j) => {
    const avg = t.map((_, k) => pick.reduce((a, s) => a + data[s].fs[j][k], 0) / pick.length);
    return relaxationTime(t, avg).tau;
  });
  const T = temps.filter((_, j) => taus[j] !== null);
  const tau = taus.filter((x): x is number => x !== null);
  const fit = T.length >= 3 ? fitModeCoupling(T, tau) : null;
  return { taus, fit };
};
const all = analyse(seeds.map((_, k) => k));
console.log('T', temps.join(' '));
console.log('tau(avg F_s)', all.taus.map((x) => (x === null ? `>${t[t.length - 1]}` : x.toFixed(0))).join(' '));
console.log('fit', all.fit && { Td: all.fit.Td, gamma: all.fit.gamma, A: all.fit.A, residual: all.fit.residual, points: all.fit.points, atBoundary: all.fit.atBoundary });
const rng = createRng(12345);
const tds: number[] = [];
let boundary = 0;
for (let b = 0; b < 400; b++) {
  const pick = seeds.map(() => uniformInt(rng, seeds.length));
  const r = analyse(pick);
  if (!r.fit) continue;
  if (r.fit.atBoundary) {
    boundary++;
    continue;
  }
  tds.push(r.fit.Td);
}
tds.sort((a, b) => a - b);
const q = (p: number) => tds[Math.min(tds.length - 1, Math.floor(p * tds.length))];
console.log('bootstrap over seeds (400): located', tds.length, 'at the range end', boundary, 'T_d median', q(0.5)?.toFixed(4), '95%', q(0.025)?.toFixed(4), q(0.975)?.toFixed(4));
