// `glassmodes modes` (issue 10 item 5): one sample's stored modes with ω and PR, labelled against an
// analysed T* = ∞ project of the same model by PR at the same ω (figures/modeContrast.ts), the
// rotational fraction under a column that says it is not an indicator, and the zero modes
// (identifyZeroModes, as sampleSpectrum gives them) with neither a rotational fraction nor a label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysisData, sampleSpectrum } from '../engine/io/results';
import { modeContrasts, referenceModes } from '../figures/modeContrast';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-modes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot });
const ok = (args: string[]) => {
  const r = cli(args);
  if (r.status !== 0) throw new Error(`glassmodes ${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r;
};
const glass = join(scratch, 'glass');
const fresh = join(scratch, 'fresh');

beforeAll(() => {
  ok(['new', glass, '--dim', '2', '--particles', '100', '--taper', '2', '--parent-temperature', 'inf', '--samples', '3', '--seed', '5']);
  ok(['run', glass, '--jobs', '1']);
  ok(['analyze', glass, '--quiet']);
  ok(['new', fresh, '--dim', '2', '--particles', '100', '--taper', '2', '--parent-temperature', 'inf', '--samples', '1', '--seed', '6']);
}, 300_000);

describe('glassmodes modes', () => {
  it('against a T* = ∞ reference: each stored mode with ω, PR and its label; zero modes with neither label nor rotational fraction', () => {
    const r = ok(['modes', glass, '--sample', 's0001', '--reference', glass]);
    const lines = r.stdout.trim().split('\n');
    expect(r.stdout).toMatch(/not a proof of vortex character/);
    expect(r.stdout).toMatch(/docs\/REPRODUCTION\.md, "Which per-mode indicator separates the classes"/);
    expect(r.stdout).toMatch(/rotational fraction is not a type-II indicator/);
    const header = lines.find((l) => l.trim().startsWith('mode '))!;
    expect(header).toMatch(/vs T\*=inf/);
    expect(header).toMatch(/rot\. fraction \(not an indicator\)/);
    const spectrum = sampleSpectrum(glass, 's0001');
    const choice = referenceModes(analysisData(glass)!, { dim: 2, particles: 100, potential: 'ipl', taper: 2 });
    if (!('reference' in choice)) throw new Error(choice.reason);
    const contrasts = modeContrasts(spectrum, choice.reference);
    const rows = lines.slice(lines.indexOf(header) + 1);
    expect(rows).toHaveLength(spectrum.storedModes);
    expect(spectrum.zeroModes).toEqual([0, 1]);
    for (const k of spectrum.zeroModes) expect(rows[k]).toBe(`${String(k).padStart(5)}  zero mode (translation)`);
    let labelled = 0;
    for (let k = 0; k < spectrum.storedModes; k++) {
      if (spectrum.zeroModes.includes(k)) continue;
      const c = contrasts[k]!;
      const fields = rows[k].trim().split(/\s{2,}/);
      expect(Number(fields[0])).toBe(k);
      expect(Number(fields[1])).toBeCloseTo(spectrum.frequencies[k]!, 6);
      expect(Number(fields[2])).toBeCloseTo(spectrum.participation[k], 4);
      if (c.localised === null) expect(fields[3]).toMatch(/^no reference at this ω/);
      else {
        labelled++;
        expect(fields[3]).toBe(`${c.localised ? 'localised' : 'extended-like'}: ${(100 * c.rank).toFixed(1)} % of ${c.referenceModes} below`);
      }
      expect(Number(fields[4])).toBeCloseTo(spectrum.rotationalFraction[k]!, 4);
    }
    expect(labelled).toBeGreaterThan(10);
  });

  it('without a reference: ω and PR only, and says how to get the label', () => {
    const r = ok(['modes', glass, '--sample', 's0000']);
    expect(r.stdout).not.toMatch(/vs T\*=inf +rot/);
    expect(r.stdout).toMatch(/No --reference: PR and ω only/);
    expect(r.stdout).not.toMatch(/localised|extended-like/);
  });

  it('refuses a reference that has not been analysed, naming --reference and what to run', () => {
    const r = cli(['modes', glass, '--sample', 's0000', '--reference', fresh]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--reference: .*fresh has not been analysed .*glassmodes analyze/);
  });
});
