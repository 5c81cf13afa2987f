// How often the views' per-mode label (figures/modeContrast.ts modeContrasts: PR ranked among the
// T* = ∞ modes within ±10 % of the mode's ω, "localised" under 5 %) fires on each class, issue 10
// item 5. The T* = ∞ modes are judged against the other T* = ∞ samples (leave one sample out), the
// stable-glass modes against all T* = ∞ samples. Zero modes are left out by the spectrum's rule
// (SampleSpectrum.zeroModes, identifyZeroModes).
//   node --import tsx scripts/mode-label-rates.ts <T*=∞ project> <stable project> [--omega lo,hi]
import { sampleSpectrum, type SampleSpectrum } from '../engine/io/results';
import { projectStatus } from '../engine/io/project';
import { modeContrasts, type ReferenceModes } from '../figures/modeContrast';

const args = process.argv.slice(2);
const [infDir, stableDir] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--omega');
const omegaArg = args.includes('--omega') ? args[args.indexOf('--omega') + 1].split(',').map(Number) : [0, Infinity];
if (!infDir || !stableDir) throw new Error('usage: mode-label-rates.ts <T*=inf project> <stable project> [--omega lo,hi]');

const spectra = (dir: string) => projectStatus(dir).samples.filter((s) => s.state === 'done').map((s) => sampleSpectrum(dir, s.id));
const stored = (s: SampleSpectrum) => {
  const zero = new Set(s.zeroModes);
  const omega: number[] = [];
  const participation: number[] = [];
  for (let k = 0; k < s.storedModes; k++) {
    const w = s.frequencies[k];
    if (zero.has(k) || w === null) continue;
    omega.push(w);
    participation.push(s.participation[k]);
  }
  return { omega, participation };
};
const pool = (list: SampleSpectrum[], name: string): ReferenceModes => {
  const parts = list.map(stored);
  return { name, omega: parts.flatMap((p) => p.omega), participation: parts.flatMap((p) => p.participation) };
};

function count(list: SampleSpectrum[], referenceFor: (k: number) => ReferenceModes) {
  const tally = { modes: 0, localised: 0, extended: 0, noReference: 0 };
  list.forEach((s, i) => {
    const contrasts = modeContrasts(s, referenceFor(i));
    contrasts.forEach((c, k) => {
      const w = s.frequencies[k];
      if (!c || w === null || w < omegaArg[0] || w > omegaArg[1]) return;
      tally.modes++;
      if (c.localised === null) tally.noReference++;
      else if (c.localised) tally.localised++;
      else tally.extended++;
    });
  });
  return tally;
}

const inf = spectra(infDir);
const stable = spectra(stableDir);
const all = pool(inf, infDir);
const rows = {
  [`${infDir} (leave one sample out)`]: count(inf, (i) => pool(inf.filter((_, j) => j !== i), infDir)),
  [stableDir]: count(stable, () => all),
};
console.log(`ω window [${omegaArg.join(', ')}]; reference: ${inf.length} samples of ${infDir}`);
console.log('| class | modes | localised | extended-like | no reference at that ω |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, t] of Object.entries(rows)) {
  const pct = (n: number) => `${n} (${t.modes ? ((100 * n) / t.modes).toFixed(0) : '—'} %)`;
  console.log(`| ${name} | ${t.modes} | ${pct(t.localised)} | ${pct(t.extended)} | ${pct(t.noReference)} |`);
}
