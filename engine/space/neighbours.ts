/**
 * Cell lists and Verlet neighbour lists (Allen & Tildesley, ch. 5) in a periodic box.
 * A PairList holds candidate pairs i < j that were within `range` when it was built.
 */
import { type Box, minimumImage } from './box';

export interface PairList {
  count: number;
  i: Int32Array;
  j: Int32Array;
}

/** All pairs i < j with minimum-image distance < range, found through a cell list in O(N). */
export function buildPairList(positions: Float64Array, box: Box, range: number): PairList {
  const d = box.dim;
  const n = positions.length / d;
  const L = box.side;
  const cellsPerSide = Math.floor(L / range);
  const range2 = range * range;
  let capacity = Math.max(16, Math.ceil(n * 8));
  let pi = new Int32Array(capacity);
  let pj = new Int32Array(capacity);
  let count = 0;
  const push = (i: number, j: number) => {
    if (count === capacity) {
      capacity *= 2;
      const ni = new Int32Array(capacity);
      ni.set(pi);
      pi = ni;
      const nj = new Int32Array(capacity);
      nj.set(pj);
      pj = nj;
    }
    pi[count] = i;
    pj[count] = j;
    count++;
  };
  const within = (i: number, j: number): boolean => {
    let r2 = 0;
    for (let a = 0; a < d; a++) {
      const dx = minimumImage(positions[d * j + a] - positions[d * i + a], L);
      r2 += dx * dx;
    }
    return r2 < range2;
  };

  if (cellsPerSide < 3) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (within(i, j)) push(i, j);
    return { count, i: pi, j: pj };
  }

  const c = cellsPerSide;
  const totalCells = c ** d;
  const head = new Int32Array(totalCells).fill(-1);
  const next = new Int32Array(n);
  const cellOf = (i: number, a: number) => {
    let k = Math.floor(((positions[d * i + a] % L) + L) % L / L * c);
    if (k >= c) k = c - 1;
    return k;
  };
  for (let i = 0; i < n; i++) {
    let index = 0;
    for (let a = d - 1; a >= 0; a--) index = index * c + cellOf(i, a);
    next[i] = head[index];
    head[index] = i;
  }
  const offsets: number[][] = [];
  if (d === 2) for (let y = -1; y <= 1; y++) for (let x = -1; x <= 1; x++) offsets.push([x, y]);
  else for (let z = -1; z <= 1; z++) for (let y = -1; y <= 1; y++) for (let x = -1; x <= 1; x++) offsets.push([x, y, z]);
  const coord = new Int32Array(d);
  for (let cell = 0; cell < totalCells; cell++) {
    let rest = cell;
    for (let a = 0; a < d; a++) {
      coord[a] = rest % c;
      rest = Math.floor(rest / c);
    }
    for (const off of offsets) {
      let other = 0;
      for (let a = d - 1; a >= 0; a--) other = other * c + ((coord[a] + off[a] + c) % c);
      for (let i = head[cell]; i >= 0; i = next[i]) {
        for (let j = head[other]; j >= 0; j = next[j]) {
          if (i < j && within(i, j)) push(i, j);
        }
      }
    }
  }
  return { count, i: pi, j: pj };
}

/**
 * A Verlet list: pairs within cutoff + skin at build time. It stays valid while no particle has
 * moved more than skin/2 since then; `refreshVerletList` rebuilds it when needed.
 */
export interface VerletList {
  pairs: PairList;
  reference: Float64Array;
  cutoff: number;
  skin: number;
  rebuilds: number;
}

export function createVerletList(positions: Float64Array, box: Box, cutoff: number, skin: number): VerletList {
  const effectiveSkin = Math.min(skin, box.side / 2 - cutoff);
  return {
    pairs: buildPairList(positions, box, cutoff + Math.max(effectiveSkin, 0)),
    reference: positions.slice(),
    cutoff,
    skin: Math.max(effectiveSkin, 0),
    rebuilds: 1,
  };
}

/** Largest minimum-image displacement of any particle since the list was built. */
export function maxDisplacementSince(list: VerletList, positions: Float64Array, box: Box): number {
  const d = box.dim;
  let worst = 0;
  for (let i = 0; i < positions.length; i += d) {
    let r2 = 0;
    for (let a = 0; a < d; a++) {
      const dx = minimumImage(positions[i + a] - list.reference[i + a], box.side);
      r2 += dx * dx;
    }
    if (r2 > worst) worst = r2;
  }
  return Math.sqrt(worst);
}

/** Rebuilds the list if any particle moved more than skin/2; returns whether it did. */
export function refreshVerletList(list: VerletList, positions: Float64Array, box: Box): boolean {
  if (maxDisplacementSince(list, positions, box) <= list.skin / 2) return false;
  list.pairs = buildPairList(positions, box, list.cutoff + list.skin);
  list.reference.set(positions);
  list.rebuilds++;
  return true;
}
