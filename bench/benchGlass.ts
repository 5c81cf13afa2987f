/**
 * The benches' quenched glasses: 3D, m = 2, T* = ∞, seed 1, N particles, quenched once and cached in
 * $TMPDIR/glassmodes-bench-lowest/glass_N.json (the N = 10^5 quench takes ~40 min), so that
 * bench/lowest.bench.ts and bench/factor.bench.ts time the same glass.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSettings, type ProjectSettings } from '../engine/model/settings';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';

export const BENCH_GLASS_CACHE = join(tmpdir(), 'glassmodes-bench-lowest');

export function benchGlass(particles: number): { settings: ProjectSettings; positions: Float64Array; diameters: Float64Array } {
  mkdirSync(BENCH_GLASS_CACHE, { recursive: true });
  const settings = validateSettings({ model: { dim: 3, particles, taper: 2 }, sampling: { parentTemperature: 'inf' }, seed: 1, spectrum: { method: 'lowest', storedModes: 30 } });
  const file = join(BENCH_GLASS_CACHE, `glass_${particles}.json`);
  if (existsSync(file)) {
    const g = JSON.parse(readFileSync(file, 'utf8'));
    return { settings, positions: Float64Array.from(g.positions), diameters: Float64Array.from(g.diameters) };
  }
  const start = randomConfiguration(settings, 1);
  const t = performance.now();
  const q = runQuenchStage(settings, start.positions, start.diameters);
  console.log(`  (quench N = ${particles}: ${((performance.now() - t) / 1000).toFixed(1)} s, max|f| ${q.maxForce.toExponential(1)})`);
  writeFileSync(file, JSON.stringify({ positions: Array.from(q.positions), diameters: Array.from(start.diameters) }));
  return { settings, positions: q.positions, diameters: start.diameters };
}
