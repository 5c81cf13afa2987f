// Which per-mode indicator separates type-I from type-II modes (issue 10 item 5; docs/REPRODUCTION.md
// "Which indicator separates the classes"): the candidates of engine/analysis/modeIndicators.ts on the
// lowest K non-zero modes of every done sample of two ensembles (a T* = ∞ one first, a low-T* one
// second), their class means, and the separation AUC with a 95 % bootstrap interval over samples.
//   node --import tsx scripts/mode-indicators.ts <first ensemble> <second ensemble> [--lowest K] [--csv out.csv]
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { displacementGradients, gradientNeighbours, strainAndVorticity } from '../engine/analysis/modeGeometry';
import { modeIndicators, separationAuc, type ModeIndicators } from '../engine/analysis/modeIndicators';
import { particleStresses } from '../engine/analysis/stress';
import { identifyZeroModes } from '../engine/spectrum/zeroModes';
import { readExtxyz, readNpy } from '../engine/io/files';
import { openProject } from '../engine/io/project';
import { contacts, makeGlass } from '../engine/model/glass';
import { createRng, uniformInt } from '../engine/random';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const k = args.indexOf(name);
  if (k < 0) return fallback;
  const v = args[k + 1];
  args.splice(k, 2);
  return v;
};
const lowest = Number(option('--lowest', '6'));
// --omega a,b: every stored non-zero mode with a ≤ ω ≤ b instead of the lowest K (a frequency-matched comparison)
const omegaWindow = option('--omega', '').split(',').filter(Boolean).map(Number);
const csv = option('--csv', '');
const [first, second] = args;
if (!first || !second) {
  console.error('usage: scripts/mode-indicators.ts <first ensemble> <second ensemble> [--lowest K] [--csv out.csv]');
  process.exit(2);
}

const NAMES: (keyof ModeIndicators)[] = ['participation', 'rotationalFraction', 'coreRotationalFraction', 'vortexCoreRotationalFraction', 'prestressShare', 'vorticityStressShare', 'farFieldWeight'];

interface ModeRow extends ModeIndicators {
  sample: string;
  mode: number;
  omega: number;
}

function ensembleModes(dir: string): ModeRow[][] {
  const project = openProject(dir);
  const model = project.settings.model;
  const out: ModeRow[][] = [];
  const samples = readdirSync(join(dir, 'samples')).filter((s) => existsSync(join(dir, 'samples', s, 'modes.npy'))).sort();
  for (const id of samples) {
    const folder = join(dir, 'samples', id);
    const config = readExtxyz(join(folder, 'config.extxyz'));
    const glass = makeGlass(model, config.diameters);
    const x = config.positions;
    const dn = x.length;
    const eigenvalues = readNpy(join(folder, 'eigenvalues.npy')).data;
    const modes = readNpy(join(folder, 'modes.npy')).data;
    // the project's one zero-mode rule (overlap of the stored vectors with the uniform translations)
    const zero = new Set(identifyZeroModes(eigenvalues, glass.box.dim, modes, config.diameters.length).indices);
    const c = contacts(glass, x);
    const context = { positions: x, box: glass.box, contacts: c, stresses: particleStresses(c, glass.box.dim, config.diameters.length) };
    const pairs = gradientNeighbours(x, glass.box, glass.potential.cutoff);
    const stored = Math.floor(modes.length / dn);
    const rows: ModeRow[] = [];
    for (let k = 0; k < stored && (omegaWindow.length === 2 || rows.length < lowest); k++) {
      if (zero.has(k)) continue;
      if (omegaWindow.length === 2) {
        const w = Math.sqrt(Math.max(eigenvalues[k], 0));
        if (w < omegaWindow[0] || w > omegaWindow[1]) continue;
      }
      const sv = strainAndVorticity(displacementGradients(x, glass.box, modes, pairs, k * dn));
      rows.push({ sample: id, mode: k, omega: Math.sqrt(Math.max(eigenvalues[k], 0)), ...modeIndicators(context, modes, k * dn, sv) });
    }
    out.push(rows);
  }
  return out;
}

const a = ensembleModes(first);
const b = ensembleModes(second);
const values = (set: ModeRow[][], name: keyof ModeIndicators) => set.flat().map((r) => r[name]);
const mean = (v: number[]) => {
  const f = v.filter(Number.isFinite);
  return f.reduce((s, x) => s + x, 0) / f.length;
};
const quantile = (v: number[], q: number) => {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};
const rng = createRng(20261201);
const resamples = 1000;
const selection = omegaWindow.length === 2 ? `every stored mode with ${omegaWindow[0]} ≤ ω ≤ ${omegaWindow[1]}` : `lowest ${lowest} non-zero modes each`;
console.log(`${first} (${a.length} samples, ${a.flat().length} modes) against ${second} (${b.length} samples, ${b.flat().length} modes), ${selection}`);
console.log(`mean ω: ${mean(a.flat().map((r) => r.omega)).toFixed(3)} against ${mean(b.flat().map((r) => r.omega)).toFixed(3)}`);
console.log('| indicator | mean (first) | mean (second) | AUC | 95 % CI | separation 2|AUC − ½| |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const name of NAMES) {
  const auc = separationAuc(values(a, name), values(b, name));
  const boot: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const pa = a.map(() => a[uniformInt(rng, a.length)]);
    const pb = b.map(() => b[uniformInt(rng, b.length)]);
    boot.push(separationAuc(values(pa, name), values(pb, name)));
  }
  const lo = quantile(boot, 0.025);
  const hi = quantile(boot, 0.975);
  console.log(`| ${name} | ${mean(values(a, name)).toPrecision(3)} | ${mean(values(b, name)).toPrecision(3)} | ${auc.toFixed(3)} | [${lo.toFixed(3)}, ${hi.toFixed(3)}] | ${(2 * Math.abs(auc - 0.5)).toFixed(2)} |`);
}
if (csv) {
  const header = ['ensemble', 'sample', 'mode', 'omega', ...NAMES].join(',');
  const line = (e: string, r: ModeRow) => [e, r.sample, r.mode, r.omega, ...NAMES.map((n) => r[n])].join(',');
  writeFileSync(csv, [header, ...a.flat().map((r) => line(first, r)), ...b.flat().map((r) => line(second, r))].join('\n') + '\n');
}
