import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProject } from '../engine/io/project';
import { runProject } from '../engine/io/runner';
import { readNpy, writeNpy } from '../engine/io/files';
import { sampleSpectrum } from '../engine/io/results';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-spectrum-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the spectrum summary of a sample (the Modes view, `glassmodes modes`)', () => {
  it('is computed once per process while its files stay the same, and again when one changes', async () => {
    const dir = join(scratch, 'p');
    createProject(dir, { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: true, backend: 'reference' }, samples: 1, seed: 2 }, { name: 'p' });
    expect((await runProject(dir, { inProcess: true })).done).toEqual(['s0000']);
    const first = sampleSpectrum(dir, 's0000');
    expect(sampleSpectrum(dir, 's0000')).toBe(first);
    const path = join(dir, 'samples/s0000/participation.npy');
    const participation = readNpy(path);
    const changed = Float64Array.from(participation.data, (x) => x / 2);
    writeNpy(path, changed, participation.shape);
    const second = sampleSpectrum(dir, 's0000');
    expect(second).not.toBe(first);
    expect(second.participation[5]).toBe(first.participation[5] / 2);
  });
});
