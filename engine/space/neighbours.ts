/**
 * Cell lists and Verlet neighbour lists (Allen & Tildesley, ch. 5) in a periodic box.
 * A PairList holds candidate pairs i < j that were within `range` when it was built.
 */
import { type Box, minimumImage, wrapCoordinate } from './box';

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
    let k = Math.floor((wrapCoordinate(positions[d * i + a], L) / L) * c);
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

/**
 * A cell grid kept up to date one particle at a time, for Monte Carlo: cells of side ≥ range/2, so
 * every particle within `range` of a point lies in the 5^d cells around the point's cell (about
 * half the candidates of 3^d cells of side ≥ range); where fewer than 5 such cells fit per side,
 * cells of side ≥ range and 3^d of them; where fewer than 3 fit, one cell holds everyone (all
 * pairs, minimum image). A move updates one particle's cell in O(1); nothing is ever rebuilt.
 */
export interface CellGrid {
  dim: number;
  side: number;
  /** Cells per side. */
  cells: number;
  /** Member slots per cell (grows when a cell overflows). */
  capacity: number;
  /** members[cell · capacity + s], s < count[cell]. */
  members: Int32Array;
  count: Int32Array;
  cellOf: Int32Array;
  slotOf: Int32Array;
  /** The (2·reach + 1)^d cells around each cell (just the one cell when cells = 1), stencilSize per cell. */
  stencil: Int32Array;
  stencilSize: number;
}

/** The cell of a point (any coordinates: wrapped into the box first). */
export function cellOfPoint(grid: CellGrid, x: number, y: number, z: number): number {
  const c = grid.cells;
  if (c === 1) return 0;
  const scale = c / grid.side;
  let kx = Math.floor(x * scale) % c;
  let ky = Math.floor(y * scale) % c;
  if (kx < 0) kx += c;
  if (ky < 0) ky += c;
  if (grid.dim === 2) return ky * c + kx;
  let kz = Math.floor(z * scale) % c;
  if (kz < 0) kz += c;
  return (kz * c + ky) * c + kx;
}

export function createCellGrid(positions: Float64Array, box: Box, range: number): CellGrid {
  const d = box.dim;
  const n = positions.length / d;
  const half = Math.floor((2 * box.side) / range);
  const whole = Math.floor(box.side / range);
  const [c, reach] = half >= 5 ? [half, 2] : whole >= 3 ? [whole, 1] : [1, 0];
  const total = c ** d;
  const width = 2 * reach + 1;
  const stencilSize = width ** d;
  const stencil = new Int32Array(total * stencilSize);
  for (let cell = 0; cell < total; cell++) {
    const kx = cell % c;
    const ky = Math.floor(cell / c) % c;
    const kz = d === 3 ? Math.floor(cell / (c * c)) : 0;
    let s = 0;
    for (let oz = d === 3 ? -reach : 0; oz <= (d === 3 ? reach : 0); oz++)
      for (let oy = -reach; oy <= reach; oy++)
        for (let ox = -reach; ox <= reach; ox++) {
          const x = (kx + ox + c) % c;
          const y = (ky + oy + c) % c;
          const z = (kz + oz + c) % c;
          stencil[cell * stencilSize + s++] = d === 3 ? (z * c + y) * c + x : y * c + x;
        }
  }
  const capacity = Math.max(8, Math.ceil((3 * n) / total));
  const grid: CellGrid = {
    dim: d,
    side: box.side,
    cells: c,
    capacity,
    members: new Int32Array(total * capacity),
    count: new Int32Array(total),
    cellOf: new Int32Array(n),
    slotOf: new Int32Array(n),
    stencil,
    stencilSize,
  };
  refillCellGrid(grid, positions);
  return grid;
}

/**
 * Puts every particle into the cell of its position again, in index order: the grid (and so the
 * order in which a particle's neighbours are visited) then depends on the positions alone, not on
 * the history of moves.
 */
export function refillCellGrid(grid: CellGrid, positions: Float64Array): void {
  const d = grid.dim;
  grid.count.fill(0);
  for (let i = 0; i < grid.cellOf.length; i++) addToCell(grid, i, cellOfPoint(grid, positions[d * i], positions[d * i + 1], d === 3 ? positions[d * i + 2] : 0));
}

function addToCell(grid: CellGrid, i: number, cell: number): void {
  if (grid.count[cell] === grid.capacity) {
    const capacity = grid.capacity * 2;
    const members = new Int32Array(grid.count.length * capacity);
    for (let k = 0; k < grid.count.length; k++) members.set(grid.members.subarray(k * grid.capacity, k * grid.capacity + grid.count[k]), k * capacity);
    grid.members = members;
    grid.capacity = capacity;
  }
  const slot = grid.count[cell]++;
  grid.members[cell * grid.capacity + slot] = i;
  grid.cellOf[i] = cell;
  grid.slotOf[i] = slot;
}

/** Particle i now sits at (x, y, z): moves it to that point's cell if it changed. */
export function moveInCellGrid(grid: CellGrid, i: number, x: number, y: number, z: number): void {
  const cell = cellOfPoint(grid, x, y, z);
  const old = grid.cellOf[i];
  if (cell === old) return;
  const last = grid.members[old * grid.capacity + grid.count[old] - 1];
  grid.members[old * grid.capacity + grid.slotOf[i]] = last;
  grid.slotOf[last] = grid.slotOf[i];
  grid.count[old]--;
  addToCell(grid, i, cell);
}
