// Composition average of `glassmodes relaxation` scans run with the same temperatures and lengths
// under different seeds (each seed one composition): F_s(t) averaged over the seeds at each T, τ_α
// from the average (engine relaxationTime), the mode-coupling fit (engine fitModeCoupling), and a
// bootstrap over seeds for T_d (docs/REPRODUCTION.md "T_d").
//   node --import tsx scripts/relaxation-seeds.ts <folder holding seed<k>/fs.csv> <k> <k> …
import { relaxationTime } from '../engine/analysis/relaxation';
import { readScan } from '../engine/io/relaxationScan';
import { fitModeCoupling } from '../engine/theory/modeCoupling';
import { createRng, uniformInt } from '../engine/random';
const base = process.argv[2];
const seeds = process.argv.slice(3).map(Number);
/** One seed's scan folder (engine/io/relaxationScan.ts): its temperatures, the lags and F_s of each. */
const read = (s: number) => {
  const { rows } = readScan(`${base}/seed${s}`);
  return { temps: rows.map((r) => r.temperature), t: Array.from(rows[0].times), fs: rows.map((r) => Array.from(r.fs)) };
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
