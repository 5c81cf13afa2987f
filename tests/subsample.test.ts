// Issue 15, item 4: which particles a 3D view draws above DRAWN_PARTICLE_LIMIT (renderer/src/three/subsample.ts).
import { describe, expect, it } from 'vitest';
import { configurationSubsample, drawnCentres, drawnRows, DRAWN_PARTICLE_LIMIT, evenlySpaced, modeSubsample, slabSubsample, subsampleNote } from '../renderer/src/three/subsample';

/** Amplitudes of a localised mode: a few large values among many small ones, in no index order. */
function localisedAmplitudes(total: number, core: number, seed = 7): Float64Array {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const a = Float64Array.from({ length: total }, () => 1e-4 * random());
  for (let k = 0; k < core; k++) a[Math.floor(random() * total)] = 0.01 + random();
  return a;
}

describe('the particles a 3D view draws', () => {
  it('are all of them up to the limit and in 2D, with no note', () => {
    for (const [total, dim] of [[DRAWN_PARTICLE_LIMIT, 3], [5 * DRAWN_PARTICLE_LIMIT, 2]] as const) {
      for (const drawn of [configurationSubsample(total, dim), modeSubsample(new Float64Array(total), dim)]) {
        expect(drawn.subsampled).toBe(false);
        expect(drawn.indices.length).toBe(total);
        expect(drawn.indices[total - 1]).toBe(total - 1);
        expect(subsampleNote(drawn)).toBeUndefined();
      }
    }
  });

  it('are exactly the limit above it in 3D, distinct, ascending and spread over the whole index range', () => {
    const drawn = configurationSubsample(100_000, 3);
    expect(drawn.subsampled).toBe(true);
    expect(drawn.indices.length).toBe(DRAWN_PARTICLE_LIMIT);
    for (let j = 1; j < drawn.indices.length; j++) expect(drawn.indices[j]).toBeGreaterThan(drawn.indices[j - 1]);
    expect(drawn.indices[0]).toBe(0);
    expect(drawn.indices.at(-1)).toBe(99_995); // every 5th
    expect(subsampleNote(drawn)).toBe('showing 20 000 of 100 000 particles (subsampled for drawing; analysis uses all)');
    expect(configurationSubsample(30, 3, 7).indices).toEqual(Uint32Array.from([0, 4, 8, 12, 17, 21, 25]));
    expect(evenlySpaced(10, 20)).toHaveLength(10);
  });

  it('of a mode keep every particle of its largest half by |e_i| and spread the rest, the same each time', () => {
    const total = 100_000;
    const amplitudes = localisedAmplitudes(total, 3000);
    const drawn = modeSubsample(amplitudes, 3);
    expect(drawn.subsampled).toBe(true);
    expect(drawn.indices.length).toBe(DRAWN_PARTICLE_LIMIT);
    expect(new Set(drawn.indices).size).toBe(DRAWN_PARTICLE_LIMIT);
    for (let j = 1; j < drawn.indices.length; j++) expect(drawn.indices[j]).toBeGreaterThan(drawn.indices[j - 1]);
    // The 10 000 largest |e_i| (the whole localised core among them) are all drawn.
    const kept = new Set(drawn.indices);
    const byAmplitude = Array.from(amplitudes.keys()).sort((a, b) => amplitudes[b] - amplitudes[a]);
    expect(byAmplitude.slice(0, DRAWN_PARTICLE_LIMIT / 2).every((i) => kept.has(i))).toBe(true);
    const core = Array.from(amplitudes.keys()).filter((i) => amplitudes[i] >= 0.01);
    expect(core.length).toBeGreaterThan(2500);
    expect(core.every((i) => kept.has(i))).toBe(true);
    // The other half spreads over the whole index range: each tenth of it holds about a tenth of them.
    const largest = new Set(byAmplitude.slice(0, DRAWN_PARTICLE_LIMIT / 2));
    const rest = drawn.indices.filter((i) => !largest.has(i));
    for (let decile = 0; decile < 10; decile++) {
      const inside = rest.filter((i) => i >= decile * 10_000 && i < (decile + 1) * 10_000).length;
      expect(Math.abs(inside - rest.length / 10)).toBeLessThan(rest.length / 20);
    }
    // Deterministic: the same amplitudes, the same particles.
    expect(modeSubsample(Float64Array.from(amplitudes), 3).indices).toEqual(drawn.indices);
    // Ties (a uniform mode) go by index; NaN counts as the smallest.
    const flat = modeSubsample(new Float64Array(30).fill(1).map((v, i) => (i === 29 ? NaN : v)), 3, 6);
    // Of 30 equal |e_i| with a limit of 6: the first 3 by index, then every 9th of the 27 others (3, 12, 21); the NaN (29) is among the smallest.
    expect(Array.from(flat.indices)).toEqual([0, 1, 2, 3, 12, 21]);
  });

  it('with a slab kept are the particles whose spheres reach into it, all of them up to the limit', () => {
    // 10 particles along x at 0, 1, …, 9 (scene coordinates), diameter 1: the slab [2.2, 4.6] is reached by 2 … 5.
    const centres = Float32Array.from({ length: 30 }, (_, k) => (k % 3 === 0 ? k / 3 : 0));
    const diameters = new Float64Array(10).fill(1);
    const thin = slabSubsample(centres, diameters, 0, 2.2, 4.6, 8);
    expect(Array.from(thin.indices)).toEqual([2, 3, 4, 5]);
    expect(thin).toMatchObject({ total: 4, subsampled: false, slab: true });
    expect(subsampleNote(thin)).toBeUndefined();
    const thick = slabSubsample(centres, diameters, 0, -1, 20, 5);
    expect(Array.from(thick.indices)).toEqual([0, 2, 4, 6, 8]);
    expect(subsampleNote(thick)).toBe('showing 5 of 10 particles in the slab (subsampled for drawing; analysis uses all)');
  });

  it('carry their own rows of every per-particle array', () => {
    const indices = Uint32Array.from([1, 3]);
    expect(drawnRows([10, 11, 12, 13], indices)).toEqual([11, 13]);
    expect(drawnRows([0, 1, 2, 3, 4, 5, 6, 7], indices, 2)).toEqual([2, 3, 6, 7]);
    expect(Array.from(drawnCentres(Float32Array.from({ length: 12 }, (_, k) => k), indices))).toEqual([3, 4, 5, 9, 10, 11]);
  });
});
