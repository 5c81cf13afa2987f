/*
 * The fast swap Monte Carlo of engine/sim/swapMonteCarlo.ts as a WebAssembly kernel: the same Markov
 * chain, bit for bit, as the TypeScript it was ported from (the neighbour lists of
 * engine/sim/monteCarloLists.ts, the moves, the generator of engine/random.ts, the factorised
 * potential of engine/model/potential.ts `pairFactors`). Every floating-point operation is the
 * TypeScript's, in the same order (IEEE double, no contraction, no fast-math); the transcendental
 * functions are the host's own Math.exp, Math.log and Math.pow, imported, so that they return the
 * same bits as in the TypeScript reference.
 *
 * Build (the bytes are committed in engine/sim/swapKernelBytes.ts; tests/swap-kernel.test.ts checks
 * them against a fresh build where clang is installed):  node scripts/build-wasm.mjs
 *
 * Memory: a bump allocator over the module's linear memory; nothing is freed (one instance per run
 * of swapMonteCarlo, dropped with it). All state is in this file's globals, set by `setup`.
 */
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(name) __attribute__((import_module("math"), import_name(#name)))

IMPORT(exp) double host_exp(double);
IMPORT(log) double host_log(double);
IMPORT(pow) double host_pow(double, double);

/* ---- memory -------------------------------------------------------------------------------- */
#include "../../wasmAlloc.h"

/* Where the memory cannot grow, a trap: swapMonteCarlo.ts then goes on with its TypeScript moves. */
static void *allocOrTrap(u32 bytes) {
  void *at = alloc(bytes);
  if (!at) __builtin_trap();
  return at;
}
static i32 *allocI32(u32 count) { return (i32 *)allocOrTrap(4u * (count ? count : 1u)); }
static double *allocF64(u32 count) { return (double *)allocOrTrap(8u * (count ? count : 1u)); }
static void copyI32(i32 *to, const i32 *from, i32 count) { for (i32 k = 0; k < count; k++) to[k] = from[k]; }
static void copyF64(double *to, const double *from, i32 count) { for (i32 k = 0; k < count; k++) to[k] = from[k]; }

/* ---- the generator (engine/random.ts: xoshiro128**) ----------------------------------------- */
static u32 rs0, rs1, rs2, rs3;   /* the chain's generator */
static u32 ps0, ps1, ps2, ps3;   /* the peek: a copy that draws the Metropolis number without drawing it */

static inline u32 rotl(u32 x, i32 k) { return (x << k) | (x >> (32 - k)); }

#define NEXT(s0, s1, s2, s3, out) do { \
    u32 a0 = s0, a1 = s1; \
    out = rotl(a1 * 5u, 7) * 9u; \
    u32 t = a1 << 9; \
    u32 b2 = s2 ^ a0; \
    u32 b3 = s3 ^ a1; \
    s1 = a1 ^ b2; \
    s0 = a0 ^ b3; \
    s2 = b2 ^ t; \
    s3 = rotl(b3, 11); \
  } while (0)

static inline u32 nextUint32(void) { u32 r; NEXT(rs0, rs1, rs2, rs3, r); return r; }
static inline u32 peekUint32(void) { u32 r; NEXT(ps0, ps1, ps2, ps3, r); return r; }
static inline double uniformOfWords(u32 first, u32 second) {
  return ((double)(first >> 5) * 67108864.0 + (double)(second >> 6)) / 9007199254740992.0;
}
static inline double uniform(void) { u32 a = nextUint32(); return uniformOfWords(a, nextUint32()); }
static inline double peekUniform(void) { u32 a = peekUint32(); return uniformOfWords(a, peekUint32()); }
static inline u32 uniformIntBelow(u32 n, u64 limit) {
  for (;;) {
    u32 x = nextUint32();
    if ((u64)x < limit) return x % n;
  }
}
static inline void peekFromRng(void) { ps0 = rs0; ps1 = rs1; ps2 = rs2; ps3 = rs3; }
static inline void rngFromPeek(void) { rs0 = ps0; rs1 = ps1; rs2 = ps2; rs3 = ps3; }

EXPORT(setRng) void setRng(u32 a, u32 b, u32 c, u32 d) { rs0 = a; rs1 = b; rs2 = c; rs3 = d; }
EXPORT(rngWord) u32 rngWord(i32 k) { return k == 0 ? rs0 : k == 1 ? rs1 : k == 2 ? rs2 : rs3; }

/* ---- the factorised potential (engine/model/potential.ts pairFactors) ------------------------ */
/* exponentKind: 0 n = 12, 1 another integer 1..64 (even for the geometry's power of 1/r², else via r), 2 any other n. */
static i32 exponentKind, exponentInt, evenExponent;
static double exponent;
/* taperKind: 0 m = 2, 1 another integer m, 2 m = ∞. */
static i32 taperKind, taperInt;
static double rc, rc2, inverseRc2, shift;

static inline double integerPower(double x, i32 k) {
  double result = 1;
  double base = x;
  i32 e = k;
  while (e > 0) {
    if (e & 1) result *= base;
    base *= base;
    e >>= 1;
  }
  return result;
}

static inline double amplitude(double s) {
  if (exponentKind == 0) {
    double h = 0.5 * s;
    double h2 = h * h;
    double h4 = h2 * h2;
    return h4 * h4 * h4;
  }
  if (exponentKind == 1) return integerPower(0.5 * s, exponentInt);
  return host_pow(0.5 * s, exponent);
}

static inline double inversePower(double r2) {
  if (exponentKind == 0) {
    double q = 1 / r2;
    double q3 = q * q * q;
    return q3 * q3;
  }
  if (evenExponent) return integerPower(1 / r2, exponentInt / 2);
  return host_pow(r2, -exponent / 2);
}

static inline double geometry(double r2) {
  if (r2 >= rc2) return 0;
  if (taperKind == 2) {
    double x = __builtin_sqrt(r2) / rc;
    return (inversePower(r2) - shift) * host_exp(x / (2 * (x - 1)));
  }
  double u = 1 - r2 * inverseRc2;
  return (inversePower(r2) - shift) * (taperKind == 0 ? u * u : integerPower(u, taperInt));
}

EXPORT(pairGeometry) double pairGeometry(double r2) { return geometry(r2); }
EXPORT(pairAmplitude) double pairAmplitude(double s) { return amplitude(s); }

/* ---- geometry of the box -------------------------------------------------------------------- */
static i32 n, d;
static double L, inverseL;
static double *positions, *diameters;
#define NEAREST 6755399441055744.0

static inline double distance2To(const double *p, i32 k, double x, double y, double z) {
  double dx = p[d * k] - x;
  dx -= L * (dx * inverseL + NEAREST - NEAREST);
  double dy = p[d * k + 1] - y;
  dy -= L * (dy * inverseL + NEAREST - NEAREST);
  if (d == 2) return dx * dx + dy * dy;
  double dz = p[d * k + 2] - z;
  dz -= L * (dz * inverseL + NEAREST - NEAREST);
  return dx * dx + dy * dy + dz * dz;
}
/* Minimum-image squared distance between particle i of a and particle k of b. */
static inline double distance2(const double *a, i32 i, const double *b, i32 k) {
  return distance2To(b, k, a[d * i], a[d * i + 1], d == 3 ? a[d * i + 2] : 0);
}
EXPORT(distanceSquared) double distanceSquared(i32 k, double x, double y, double z) { return distance2To(positions, k, x, y, z); }

static inline double wrapCoordinate(double x, double side) {
  double y = x - side * __builtin_floor(x / side);
  return y >= side ? y - side : y;
}

/* ---- the cell grid of the reference positions (engine/space/neighbours.ts CellGrid) ----------- */
static i32 gridCells, gridCapacity, stencilSize, gridTotal;
static double gridSide;
static i32 *members, *cellCount, *cellOf, *slotOf, *stencil;

static i32 cellOfPoint(double x, double y, double z) {
  i32 c = gridCells;
  if (c == 1) return 0;
  double scale = (double)c / gridSide;
  i32 kx = (i32)__builtin_floor(x * scale) % c;
  i32 ky = (i32)__builtin_floor(y * scale) % c;
  if (kx < 0) kx += c;
  if (ky < 0) ky += c;
  if (d == 2) return ky * c + kx;
  i32 kz = (i32)__builtin_floor(z * scale) % c;
  if (kz < 0) kz += c;
  return (kz * c + ky) * c + kx;
}

static void addToCell(i32 i, i32 cell) {
  if (cellCount[cell] == gridCapacity) {
    i32 capacity = gridCapacity * 2;
    i32 *grown = allocI32((u32)(gridTotal * capacity));
    for (i32 k = 0; k < gridTotal; k++) copyI32(grown + k * capacity, members + k * gridCapacity, cellCount[k]);
    members = grown;
    gridCapacity = capacity;
  }
  i32 slot = cellCount[cell]++;
  members[cell * gridCapacity + slot] = i;
  cellOf[i] = cell;
  slotOf[i] = slot;
}

static void moveInCellGrid(i32 i, double x, double y, double z) {
  i32 cell = cellOfPoint(x, y, z);
  i32 old = cellOf[i];
  if (cell == old) return;
  i32 last = members[old * gridCapacity + cellCount[old] - 1];
  members[old * gridCapacity + slotOf[i]] = last;
  slotOf[last] = slotOf[i];
  cellCount[old]--;
  addToCell(i, cell);
}

static i32 floorDiv(i32 a, i32 b) { return a / b; } /* non-negative operands only */

static void createCellGrid(const double *p, double range) {
  i32 half = (i32)__builtin_floor((2 * L) / range);
  i32 whole = (i32)__builtin_floor(L / range);
  i32 c, reach;
  if (half >= 5) { c = half; reach = 2; }
  else if (whole >= 3) { c = whole; reach = 1; }
  else { c = 1; reach = 0; }
  i32 total = d == 3 ? c * c * c : c * c;
  i32 width = 2 * reach + 1;
  stencilSize = d == 3 ? width * width * width : width * width;
  stencil = allocI32((u32)(total * stencilSize));
  for (i32 cell = 0; cell < total; cell++) {
    i32 kx = cell % c;
    i32 ky = floorDiv(cell, c) % c;
    i32 kz = d == 3 ? floorDiv(cell, c * c) : 0;
    i32 s = 0;
    for (i32 oz = d == 3 ? -reach : 0; oz <= (d == 3 ? reach : 0); oz++)
      for (i32 oy = -reach; oy <= reach; oy++)
        for (i32 ox = -reach; ox <= reach; ox++) {
          i32 x = (kx + ox + c) % c;
          i32 y = (ky + oy + c) % c;
          i32 z = (kz + oz + c) % c;
          stencil[cell * stencilSize + s++] = d == 3 ? (z * c + y) * c + x : y * c + x;
        }
  }
  /* Math.max(8, Math.ceil((3 * n) / total)) */
  i32 perCell = (3 * n + total - 1) / total;
  gridCells = c;
  gridSide = L;
  gridTotal = total;
  gridCapacity = perCell > 8 ? perCell : 8;
  members = allocI32((u32)(total * gridCapacity));
  cellCount = allocI32((u32)total);
  cellOf = allocI32((u32)n);
  slotOf = allocI32((u32)n);
  for (i32 k = 0; k < total; k++) cellCount[k] = 0;
  for (i32 i = 0; i < n; i++) addToCell(i, cellOfPoint(p[d * i], p[d * i + 1], d == 3 ? p[d * i + 2] : 0));
}

/* ---- the neighbour lists (engine/sim/monteCarloLists.ts) ------------------------------------- */
#define NEAR_SLOTS 16
#define EPSILON (1.0 / 4503599627370496.0) /* 2^-52 */

static double radius, drift;
static i32 all, capacity, relistings, generation, joiningLength, candidatesLength;
static i32 *count, *neighbours, *mirror, *near, *nearIndex, *nearCount, *stamp, *joining, *candidates;
static double *geometryOf, *energySum, *energyError, *reference;
static i32 *oldNeighbours, *oldMirror;
static double *oldGeometry;
static double ranked[NEAR_SLOTS];

static i32 findCandidates(i32 i) {
  i32 *out = candidates;
  if (all) {
    i32 found = 0;
    for (i32 k = 0; k < n; k++) if (k != i) out[found++] = k;
    return found;
  }
  double R2 = radius * radius;
  i32 home = cellOfPoint(reference[d * i], reference[d * i + 1], d == 3 ? reference[d * i + 2] : 0) * stencilSize;
  i32 found = 0;
  for (i32 s = 0; s < stencilSize; s++) {
    i32 cell = stencil[home + s];
    for (i32 m = cell * gridCapacity, end = m + cellCount[cell]; m < end; m++) {
      i32 k = members[m];
      if (k != i && distance2(reference, i, reference, k) < R2) out[found++] = k;
    }
  }
  return found;
}

static void allocateScratch(void) {
  oldNeighbours = allocI32((u32)capacity);
  oldMirror = allocI32((u32)capacity);
  oldGeometry = allocF64((u32)capacity);
  i32 length = capacity > joiningLength ? capacity : joiningLength;
  i32 *grown = allocI32((u32)length);
  if (joiningLength > 0) copyI32(grown, joining, joiningLength);
  joining = grown;
  joiningLength = length;
}

/* The moves' per-slot scratch (swapMonteCarlo.ts MoveContext), sized to the capacity. */
static double *trialGeometry, *trialEnergy, *trialPartner, *trialBefore, *trialPartnerBefore;
static i32 *changed, *trialStamp;
static i32 trialLength, trialStampValue;

static void grow(i32 needed) {
  i32 c = needed > capacity + 16 ? needed : capacity + 16;
  i32 *nb = allocI32((u32)(n * c));
  i32 *mi = allocI32((u32)(n * c));
  double *ge = allocF64((u32)(n * c));
  for (i32 i = 0; i < n; i++) {
    copyI32(nb + i * c, neighbours + i * capacity, count[i]);
    copyI32(mi + i * c, mirror + i * capacity, count[i]);
    copyF64(ge + i * c, geometryOf + i * capacity, count[i]);
  }
  neighbours = nb;
  mirror = mi;
  geometryOf = ge;
  capacity = c;
  allocateScratch();
}

static void sortAscending(i32 *a, i32 length) {
  for (i32 p = 1; p < length; p++) {
    i32 k = a[p];
    i32 q = p - 1;
    while (q >= 0 && a[q] > k) {
      a[q + 1] = a[q];
      q--;
    }
    a[q + 1] = k;
  }
}

static inline void setEnergySum(i32 i, double total) {
  energySum[i] = total;
  energyError[i] = (double)count[i] * EPSILON * total;
}

static inline double pairEnergy(i32 i, i32 s) {
  i32 slot = i * capacity + s;
  double g = geometryOf[slot];
  return g == 0 ? 0 : amplitude(diameters[i] + diameters[neighbours[slot]]) * g;
}

static void resumEnergy(i32 i) {
  double e = 0;
  for (i32 s = 0, end = count[i]; s < end; s++) e += pairEnergy(i, s);
  setEnergySum(i, e);
}

static inline void addEnergy(i32 k, double change, double scale) {
  double e = energySum[k] + change;
  energySum[k] = e;
  double error = energyError[k] + 2 * EPSILON * (__builtin_fabs(e) + scale);
  energyError[k] = error;
  if (error > 1e-9 * e) resumEnergy(k);
}

static void chooseNear(i32 i) {
  i32 base = i * capacity;
  i32 nearBase = i * NEAR_SLOTS;
  i32 m = 0;
  for (i32 s = 0, end = count[i]; s < end; s++) {
    double e = pairEnergy(i, s);
    if (e <= 0 || (m == NEAR_SLOTS && e <= ranked[m - 1])) continue;
    i32 p = m < NEAR_SLOTS ? m++ : m - 1;
    while (p > 0 && ranked[p - 1] < e) {
      ranked[p] = ranked[p - 1];
      near[nearBase + p] = near[nearBase + p - 1];
      p--;
    }
    ranked[p] = e;
    near[nearBase + p] = s;
  }
  nearCount[i] = m;
  for (i32 p = 0; p < m; p++) nearIndex[nearBase + p] = neighbours[base + near[nearBase + p]];
}

static inline void pointMirror(i32 k, i32 s) {
  i32 c = capacity;
  mirror[neighbours[k * c + s] * c + mirror[k * c + s]] = s;
}

static void removeSlot(i32 k, i32 s) {
  i32 base = k * capacity;
  i32 end = base + count[k] - 1;
  for (i32 q = base + s; q < end; q++) {
    neighbours[q] = neighbours[q + 1];
    mirror[q] = mirror[q + 1];
    geometryOf[q] = geometryOf[q + 1];
    pointMirror(k, q - base);
  }
  count[k]--;
  i32 nearBase = k * NEAR_SLOTS;
  i32 m = 0;
  for (i32 p = 0, e = nearCount[k]; p < e; p++) {
    i32 slot = near[nearBase + p];
    if (slot == s) continue;
    near[nearBase + m] = slot > s ? slot - 1 : slot;
    nearIndex[nearBase + m] = nearIndex[nearBase + p];
    m++;
  }
  nearCount[k] = m;
}

static i32 insertSorted(i32 k, i32 i, i32 slotInI, double g) {
  i32 base = k * capacity;
  i32 q = base + count[k];
  while (q > base && neighbours[q - 1] > i) {
    neighbours[q] = neighbours[q - 1];
    mirror[q] = mirror[q - 1];
    geometryOf[q] = geometryOf[q - 1];
    pointMirror(k, q - base);
    q--;
  }
  neighbours[q] = i;
  mirror[q] = slotInI;
  geometryOf[q] = g;
  count[k]++;
  i32 slot = q - base;
  for (i32 p = k * NEAR_SLOTS, e = p + nearCount[k]; p < e; p++) if (near[p] >= slot) near[p]++;
  return slot;
}

/* Builds the lists around the current positions (references = positions). */
static void createLists(double maxDisplacement, double cutoff) {
  radius = cutoff + 2 * drift + maxDisplacement;
  all = radius >= L / 2;
  reference = allocF64((u32)(d * n));
  copyF64(reference, positions, d * n);
  count = allocI32((u32)n);
  energySum = allocF64((u32)n);
  energyError = allocF64((u32)n);
  near = allocI32((u32)(n * NEAR_SLOTS));
  nearIndex = allocI32((u32)(n * NEAR_SLOTS));
  nearCount = allocI32((u32)n);
  stamp = allocI32((u32)n);
  candidates = allocI32((u32)n);
  candidatesLength = n;
  for (i32 k = 0; k < n; k++) { count[k] = 0; stamp[k] = 0; nearCount[k] = 0; }
  relistings = 0;
  generation = 0;
  joiningLength = 0;
  joining = 0;
  if (!all) createCellGrid(reference, radius);
  i32 largest = 0;
  for (i32 i = 0; i < n; i++) {
    i32 found = findCandidates(i);
    if (found > largest) largest = found;
  }
  capacity = largest + 8;
  i32 c = capacity;
  neighbours = allocI32((u32)(n * c));
  mirror = allocI32((u32)(n * c));
  geometryOf = allocF64((u32)(n * c));
  allocateScratch();
  i32 *upper = allocI32((u32)c);
  for (i32 i = 0; i < n; i++) {
    i32 m = 0;
    for (i32 u = 0, found = findCandidates(i); u < found; u++) {
      i32 k = candidates[u];
      if (k > i) upper[m++] = k;
    }
    sortAscending(upper, m);
    for (i32 u = 0; u < m; u++) {
      i32 k = upper[u];
      double g = geometry(distance2(positions, i, positions, k));
      i32 si = count[i]++;
      i32 sk = count[k]++;
      neighbours[i * c + si] = k;
      neighbours[k * c + sk] = i;
      mirror[i * c + si] = sk;
      mirror[k * c + sk] = si;
      geometryOf[i * c + si] = g;
      geometryOf[k * c + sk] = g;
    }
  }
  for (i32 i = 0; i < n; i++) {
    resumEnergy(i);
    chooseNear(i);
  }
}

static void relistIfDrifted(i32 i) {
  if (all) return;
  if (distance2(reference, i, positions, i) <= drift * drift) return;
  relistings++;
  for (i32 a = 0; a < d; a++) reference[d * i + a] = positions[d * i + a];
  moveInCellGrid(i, positions[d * i], positions[d * i + 1], d == 3 ? positions[d * i + 2] : 0);

  i32 inOld = ++generation;
  i32 seen = ++generation;
  i32 c0 = capacity;
  i32 oldCount = count[i];
  for (i32 s = 0; s < oldCount; s++) stamp[neighbours[i * c0 + s]] = inOld;
  i32 joiners = 0;
  i32 found = findCandidates(i);
  for (i32 u = 0; u < found; u++) {
    i32 k = candidates[u];
    if (stamp[k] == inOld) stamp[k] = seen;
    else {
      if (joiners == joiningLength) {
        i32 length = 2 * joiners + 8;
        i32 *bigger = allocI32((u32)length);
        copyI32(bigger, joining, joiningLength);
        joining = bigger;
        joiningLength = length;
      }
      joining[joiners++] = k;
    }
  }
  if (joiners == 0 && found == oldCount) return;
  i32 needed = found;
  for (i32 u = 0; u < joiners; u++) {
    i32 want = count[joining[u]] + 1;
    if (want > needed) needed = want;
  }
  if (needed > capacity) grow(needed + 8);
  i32 c = capacity;
  sortAscending(joining, joiners);

  i32 base = i * c;
  copyI32(oldNeighbours, neighbours + base, oldCount);
  copyI32(oldMirror, mirror + base, oldCount);
  copyF64(oldGeometry, geometryOf + base, oldCount);
  for (i32 s = 0; s < oldCount; s++) if (stamp[oldNeighbours[s]] != seen) removeSlot(oldNeighbours[s], oldMirror[s]);
  i32 a = 0, u = 0, s = 0;
  const i32 none = 0x7fffffff;
  while (a < oldCount || u < joiners) {
    while (a < oldCount && stamp[oldNeighbours[a]] != seen) a++;
    i32 stayer = a < oldCount ? oldNeighbours[a] : none;
    i32 joiner = u < joiners ? joining[u] : none;
    if (stayer == none && joiner == none) break;
    if (stayer < joiner) {
      neighbours[base + s] = stayer;
      mirror[base + s] = oldMirror[a];
      geometryOf[base + s] = oldGeometry[a];
      mirror[stayer * c + oldMirror[a]] = s;
      a++;
    } else {
      double g = geometry(distance2(positions, i, positions, joiner));
      neighbours[base + s] = joiner;
      geometryOf[base + s] = g;
      mirror[base + s] = insertSorted(joiner, i, s, g);
      u++;
    }
    s++;
  }
  count[i] = s;
  chooseNear(i);
}

/* ---- the moves (engine/sim/swapMonteCarlo.ts) ------------------------------------------------ */
#define ROUNDING 1e-12
static double beta, temperature, swapProbability, boundFactor, delta;
static u64 limitN, limitN1;
static double attemptedDisplacement, acceptedDisplacement, attemptedSwap, acceptedSwap;

static inline int metropolis(double dV) { return dV <= 0 || uniform() < host_exp(-beta * dV); }

static void storeEnergies(i32 i, const double *energies, const double *before, double total) {
  i32 base = i * capacity;
  for (i32 s = 0, end = count[i]; s < end; s++) {
    double e = energies[s];
    double old = before[s];
    if (e != old) addEnergy(neighbours[base + s], e - old, e + old);
  }
  setEnergySum(i, total);
}

static void ensureTrial(void) {
  if (trialLength >= capacity) return;
  u32 c = (u32)capacity;
  trialGeometry = allocF64(c);
  trialEnergy = allocF64(c);
  trialPartner = allocF64(c);
  trialBefore = allocF64(c);
  trialPartnerBefore = allocF64(c);
  changed = allocI32(c);
  trialStamp = allocI32(c);
  for (u32 k = 0; k < c; k++) trialStamp[k] = 0;
  trialLength = capacity;
  trialStampValue = 0;
}

/*
 * A swap's first look at i's first shell (its partner j skipped) with i's new diameter aNew, adding to
 * the partial sum `after` until it passes `bound` (then *rejected).
 */
static inline double firstShellWith(i32 i, i32 j, double aNew, double after, double bound, int *rejected) {
  const double *gs = geometryOf;
  i32 bi = i * capacity;
  for (i32 m = i * NEAR_SLOTS, end = m + nearCount[i]; m < end; m++) {
    i32 k = nearIndex[m];
    if (k == j) continue;
    after += amplitude(aNew + diameters[k]) * gs[bi + near[m]];
    if (after > bound) {
      *rejected = 1;
      break;
    }
  }
  return after;
}

/*
 * The present and swapped pair energies of i's list (diameter aOld → aNew; the pair with partner j
 * unchanged) into before/energies by slot, Σ (new − old) added to *dV term by term; returns Σ new.
 */
static inline double swappedList(i32 i, i32 j, double aOld, double aNew, double *before, double *energies, double *dV) {
  const double *gs = geometryOf;
  i32 bi = i * capacity;
  double total = 0;
  double change = *dV;
  for (i32 s = 0, end = count[i]; s < end; s++) {
    double g = gs[bi + s];
    double e = 0, old = 0;
    if (g != 0) {
      i32 k = neighbours[bi + s];
      double dk = diameters[k];
      old = amplitude(aOld + dk) * g;
      e = k == j ? old : amplitude(aNew + dk) * g;
    }
    before[s] = old;
    energies[s] = e;
    total += e;
    change += e - old;
  }
  *dV = change;
  return total;
}

static void swapMove(i32 i, i32 j, double limit) {
  attemptedSwap++;
  double ai = diameters[i];
  double aj = diameters[j];
  double bound = limit + (energySum[i] + energyError[i] + energySum[j] + energyError[j]) * (1 + ROUNDING);
  int rejected = 0;
  double after = firstShellWith(i, j, aj, 0, bound, &rejected);
  if (!rejected) after = firstShellWith(j, i, ai, after, bound, &rejected);
  if (rejected) { rngFromPeek(); return; }
  double dV = 0;
  double newI = swappedList(i, j, ai, aj, trialBefore, trialEnergy, &dV);
  double newJ = swappedList(j, i, aj, ai, trialPartnerBefore, trialPartner, &dV);
  if (metropolis(dV)) {
    diameters[i] = aj;
    diameters[j] = ai;
    acceptedSwap++;
    storeEnergies(i, trialEnergy, trialBefore, newI);
    storeEnergies(j, trialPartner, trialPartnerBefore, newJ);
  }
}

static void displacementMove(i32 i, double limit, double bx, double by, double bz) {
  attemptedDisplacement++;
  double nx = wrapCoordinate(positions[d * i] + delta * bx, L);
  double ny = wrapCoordinate(positions[d * i + 1] + delta * by, L);
  double nz = d == 3 ? wrapCoordinate(positions[d * i + 2] + delta * bz, L) : 0;
  double ai = diameters[i];
  i32 base = i * capacity;
  i32 cnt = count[i];
  double bound = limit + (energySum[i] + energyError[i]) * (1 + ROUNDING);
  int rejected = 0;
  double after = 0;
  if (trialStampValue == 0x3fffffff) {
    for (i32 k = 0; k < trialLength; k++) trialStamp[k] = 0;
    trialStampValue = 0;
  }
  i32 st = ++trialStampValue;
  for (i32 m = i * NEAR_SLOTS, end = m + nearCount[i]; m < end; m++) {
    i32 k = nearIndex[m];
    i32 slot = near[m];
    double r2 = distance2To(positions, k, nx, ny, nz);
    double e = 0, g = 0;
    trialStamp[slot] = st;
    if (r2 < rc2) {
      g = geometry(r2);
      e = amplitude(ai + diameters[k]) * g;
      after += e;
    }
    trialGeometry[slot] = g;
    trialEnergy[slot] = e;
    if (after > bound) { rejected = 1; break; }
  }
  after = 0;
  double dV = 0;
  i32 changes = 0;
  const double *gs = geometryOf;
  for (i32 s = 0; s < cnt && !rejected; s++) {
    i32 k = neighbours[base + s];
    double present = gs[base + s];
    double e = 0, g = 0, a = 0;
    if (trialStamp[s] == st) {
      e = trialEnergy[s];
      g = trialGeometry[s];
    } else {
      double r2 = distance2To(positions, k, nx, ny, nz);
      if (r2 < rc2) {
        g = geometry(r2);
        a = amplitude(ai + diameters[k]);
        e = a * g;
      }
      trialGeometry[s] = g;
      trialEnergy[s] = e;
    }
    double old = present == 0 ? 0 : (a == 0 ? amplitude(ai + diameters[k]) : a) * present;
    if (g != present) changed[changes++] = s;
    trialBefore[s] = old;
    after += e;
    if (after > bound) rejected = 1;
    dV += e - old;
  }
  if (rejected) { rngFromPeek(); return; }
  if (!metropolis(dV)) return;
  positions[d * i] = nx;
  positions[d * i + 1] = ny;
  if (d == 3) positions[d * i + 2] = nz;
  acceptedDisplacement++;
  i32 c = capacity;
  for (i32 m = 0; m < changes; m++) {
    i32 s = changed[m];
    double g = trialGeometry[s];
    i32 k = neighbours[base + s];
    geometryOf[base + s] = g;
    geometryOf[k * c + mirror[base + s]] = g;
    double e = trialEnergy[s];
    double old = trialBefore[s];
    if (e != old) addEnergy(k, e - old, e + old);
  }
  setEnergySum(i, after);
  relistIfDrifted(i);
}

/* ---- the interface ---------------------------------------------------------------------------- */

/*
 * The run's constants, and the lists built around `positionsAt` (d·count doubles, which the kernel
 * then owns and moves) with the diameters at `diametersAt`. limitN and limitN1 are
 * rejectionLimit(n) and rejectionLimit(n − 1) (up to 2^32, exact in a double).
 */
EXPORT(setup) void setup(i32 particles, i32 dim, double side, double *positionsAt, double *diametersAt,
    double cutoff, double exponentValue, i32 exponentKindValue, i32 taperKindValue, i32 taperValue, double shiftValue, double inverseRc2Value,
    double maxDisplacement, double driftValue, double temperatureValue, double swapProbabilityValue, double boundFactorValue,
    double limitNValue, double limitN1Value) {
  n = particles;
  d = dim;
  L = side;
  inverseL = 1 / side;
  positions = positionsAt;
  diameters = diametersAt;
  rc = cutoff;
  rc2 = cutoff * cutoff;
  inverseRc2 = inverseRc2Value;
  shift = shiftValue;
  exponent = exponentValue;
  exponentKind = exponentKindValue;
  exponentInt = (i32)exponentValue;
  evenExponent = exponentKind == 1 && (exponentInt % 2) == 0;
  taperKind = taperKindValue;
  taperInt = taperValue;
  drift = driftValue;
  temperature = temperatureValue;
  beta = 1 / temperatureValue;
  swapProbability = swapProbabilityValue;
  boundFactor = boundFactorValue;
  limitN = (u64)limitNValue;
  limitN1 = (u64)limitN1Value;
  delta = maxDisplacement;
  trialLength = 0;
  createLists(maxDisplacement, cutoff);
}

/* One sweep (n attempts) at step δ (≤ the δ the lists were built for). */
EXPORT(sweep) void sweep(double step) {
  delta = step;
  double ball[3];
  for (i32 attempt = 0; attempt < n; attempt++) {
    ensureTrial();
    int isSwap = uniform() < swapProbability;
    i32 i, j = 0;
    if (isSwap) {
      i = (i32)uniformIntBelow((u32)n, limitN);
      j = (i32)uniformIntBelow((u32)(n - 1), limitN1);
      if (j >= i) j++;
    } else {
      i = (i32)uniformIntBelow((u32)n, limitN);
      double ux, uy, uz, u2;
      do {
        ux = 2 * uniform() - 1;
        uy = 2 * uniform() - 1;
        uz = d == 3 ? 2 * uniform() - 1 : 0;
        u2 = ux * ux + uy * uy + uz * uz;
      } while (u2 > 1);
      ball[0] = ux; ball[1] = uy; ball[2] = uz;
    }
    peekFromRng();
    double limit = (-host_log(peekUniform()) * temperature) * boundFactor;
    if (isSwap) swapMove(i, j, limit);
    else displacementMove(i, limit, ball[0], ball[1], ball[2]);
  }
}

EXPORT(counter) double counter(i32 k) {
  return k == 0 ? attemptedDisplacement : k == 1 ? acceptedDisplacement : k == 2 ? attemptedSwap : acceptedSwap;
}
EXPORT(resetCounters) void resetCounters(void) { attemptedDisplacement = acceptedDisplacement = attemptedSwap = acceptedSwap = 0; }
EXPORT(relistingCount) i32 relistingCount(void) { return relistings; }
EXPORT(listCapacity) i32 listCapacity(void) { return capacity; }
/* The energy sum of i's list (for tests: Σ_s φ over i's neighbours, kept by increments). */
EXPORT(particleEnergySum) double particleEnergySum(i32 i) { return energySum[i]; }
