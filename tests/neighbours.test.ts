// The cell grid of the Monte Carlo: after any sequence of moves, the cells around a point hold
// every particle within the range of that point (minimum image), in 2D and 3D, for boxes that fit
// 5, 3 or fewer cells per side.
import { describe, expect, it } from 'vitest';
import { cellOfPoint, createCellGrid, moveInCellGrid, type CellGrid } from '../engine/space/neighbours';
import { minimumImage, wrapCoordinate, wrapPositions, type Box } from '../engine/space/box';
import { createRng, uniform } from '../engine/random';

function candidates(grid: CellGrid, x: number, y: number, z: number): Set<number> {
  const out = new Set<number>();
  const home = cellOfPoint(grid, x, y, z) * grid.stencilSize;
  for (let s = 0; s < grid.stencilSize; s++) {
    const cell = grid.stencil[home + s];
    for (let m = 0; m < grid.count[cell]; m++) out.add(grid.members[cell * grid.capacity + m]);
  }
  return out;
}

describe('incremental cell grid', () => {
  for (const [dim, side, range] of [
    [3, 10, 1.955],
    [3, 6, 1.955],
    [3, 5, 1.955],
    [2, 8, 1.955],
    [2, 4.5, 1.955],
  ] as const) {
    it(`d = ${dim}, L = ${side}, range ${range}: every particle within range of a point is a candidate, before and after 20000 moves`, () => {
      const rng = createRng(17);
      const n = Math.round(side ** dim);
      const box: Box = { dim, side };
      const positions = Float64Array.from({ length: n * dim }, () => side * uniform(rng));
      const grid = createCellGrid(positions, box, range);
      const check = () => {
        for (let probe = 0; probe < 50; probe++) {
          // Points anywhere, also outside [0, L) as trial moves are.
          const p = [0, 0, 0].map((_, a) => (a < dim ? side * (1.2 * uniform(rng) - 0.1) : 0));
          const near = candidates(grid, p[0], p[1], p[2]);
          for (let j = 0; j < n; j++) {
            let r2 = 0;
            for (let a = 0; a < dim; a++) r2 += minimumImage(positions[dim * j + a] - p[a], side) ** 2;
            if (r2 < range * range) expect(near.has(j), `particle ${j} at distance ${Math.sqrt(r2)}`).toBe(true);
          }
        }
        // Each particle is in exactly one cell, the one its position says.
        let total = 0;
        for (let c = 0; c < grid.count.length; c++) total += grid.count[c];
        expect(total).toBe(n);
        for (let i = 0; i < n; i++) expect(grid.cellOf[i]).toBe(cellOfPoint(grid, positions[dim * i], positions[dim * i + 1], dim === 3 ? positions[dim * i + 2] : 0));
      };
      check();
      for (let move = 0; move < 20000; move++) {
        const i = Math.floor(uniform(rng) * n);
        for (let a = 0; a < dim; a++) {
          const x = positions[dim * i + a] + 0.6 * (uniform(rng) - 0.5);
          positions[dim * i + a] = x - side * Math.floor(x / side);
        }
        moveInCellGrid(grid, i, positions[dim * i], positions[dim * i + 1], dim === 3 ? positions[dim * i + 2] : 0);
      }
      check();
    });
  }

  it('a cell that overflows grows, keeping every member', () => {
    const side = 10;
    const box: Box = { dim: 3, side };
    const rng = createRng(5);
    const positions = Float64Array.from({ length: 3000 }, () => side * uniform(rng));
    const grid = createCellGrid(positions, box, 1.955);
    const before = grid.capacity;
    for (let i = 0; i < 40; i++) {
      positions.set([0.5, 0.5, 0.5], 3 * i);
      moveInCellGrid(grid, i, 0.5, 0.5, 0.5);
    }
    expect(grid.capacity).toBeGreaterThan(before);
    const near = candidates(grid, 0.5, 0.5, 0.5);
    for (let i = 0; i < 40; i++) expect(near.has(i)).toBe(true);
    let total = 0;
    for (let c = 0; c < grid.count.length; c++) total += grid.count[c];
    expect(total).toBe(1000);
  });
});


describe('the periodic wrap (engine/space/box.ts), one for the engine and the app', () => {
  it('folds any coordinate into [0, L), including a tiny negative one that would round to L', () => {
    const L = 10.000000000000002;
    const tiny = -1e-17; // x − L floor(x/L) = −1e-17 + L rounds to L itself
    expect(tiny - L * Math.floor(tiny / L)).toBe(L);
    expect(wrapCoordinate(tiny, L)).toBe(0);
    for (const x of [-25.5, -L, -3, 0, 3, L, 2 * L + 0.25, 1e6 + 0.5]) {
      const y = wrapCoordinate(x, L);
      expect(y >= 0 && y < L).toBe(true);
      expect(Math.abs(minimumImage(y - x, L))).toBeLessThan(1e-9);
    }
    expect(Array.from(wrapPositions(Float64Array.from([tiny, 12, -1]), L))).toEqual([0, wrapCoordinate(12, L), wrapCoordinate(-1, L)]);
  });
});
