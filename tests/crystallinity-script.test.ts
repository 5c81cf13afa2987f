/**
 * scripts/crystallinity.py, the independent crystallinity check of docs/REPRODUCTION.md: an FCC
 * lattice reads as crystalline, a glass quenched from random positions as not.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSettings, boxSide } from '../engine/model/settings';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { writeExtxyz } from '../engine/io/files';

const PY = '/usr/bin/python3';
const script = join(import.meta.dirname, '..', 'scripts', 'crystallinity.py');
const hasScipy = existsSync(PY) && spawnSync(PY, ['-c', 'import scipy.special'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!hasScipy)('scripts/crystallinity.py', () => {
  it('reads an FCC lattice as crystalline (fraction 1, Q6 0.575) and a quenched glass as not', () => {
    const fcc = spawnSync(PY, [script, '--self-check'], { encoding: 'utf8' });
    expect(fcc.status, fcc.stdout + fcc.stderr).toBe(0);
    expect(fcc.stdout).toMatch(/FCC: crystalline fraction 1\.000, global Q6 0\.57/);
    const settings = validateSettings({ model: { dim: 3, particles: 216, taper: 2 } });
    const start = randomConfiguration(settings, 3);
    const q = runQuenchStage(settings, start.positions, start.diameters);
    const file = join(mkdtempSync(join(tmpdir(), 'glassmodes-cryst-')), 'glass.extxyz');
    writeExtxyz(file, { dim: 3, side: boxSide(settings.model), positions: q.positions, diameters: start.diameters, info: {} });
    const glass = spawnSync(PY, [script, file], { encoding: 'utf8' });
    expect(glass.status, glass.stderr).toBe(0);
    const fraction = Number(/crystalline fraction ([\d.]+)/.exec(glass.stdout)![1]);
    expect(fraction).toBeLessThan(0.05);
  });
});
