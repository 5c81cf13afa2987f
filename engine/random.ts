/**
 * Seeded pseudo-random numbers that give the same bits on every machine and in every process.
 *
 * xoshiro128** (Blackman & Vigna 2018) on 32-bit integer arithmetic (Math.imul, >>> 0), seeded by
 * splitmix32. Doubles take 53 random bits from two draws. The state is four unsigned 32-bit words
 * in a Uint32Array (integer loads and stores, no conversions in the Monte Carlo's hot loop); a
 * checkpoint holds them as a JSON array (engine/sim/moves.ts) and a run resumes bit for bit.
 */
export interface RngState {
  s: Uint32Array;
}

/** A generator state from its four words (a checkpoint's array). */
export function rngFromWords(words: ArrayLike<number>): RngState {
  if (words.length !== 4) throw new RangeError(`a generator state has 4 words, got ${words.length}`);
  for (let k = 0; k < 4; k++) {
    const w = words[k];
    if (!Number.isInteger(w) || w < 0 || w >= 4294967296) throw new RangeError(`the generator state must be 4 unsigned 32-bit integers, got ${Array.from(words).join(', ')}`);
  }
  return { s: Uint32Array.from(words) };
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Mixes a list of non-negative integers (a project seed, a sample index, a stream name) into one 32-bit seed. */
export function deriveSeed(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = String(part);
    for (let k = 0; k < text.length; k++) {
      h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
    }
    h = Math.imul(h ^ 0x2c, 0x01000193) >>> 0; // separator
  }
  return splitmix32(h)();
}

export function createRng(seed: number): RngState {
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  // Seeds above 2^32 are folded, so every integer seed is usable.
  const next = splitmix32((seed % 4294967296) ^ Math.floor(seed / 4294967296));
  const s = Uint32Array.of(next(), next(), next(), next());
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return { s };
}

/** Next 32 random bits as an unsigned integer. */
export function nextUint32(rng: RngState): number {
  // int32 arithmetic throughout; the Uint32Array stores take the words modulo 2^32.
  const s = rng.s;
  const s0 = s[0];
  const s1 = s[1];
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  const s2 = s[2] ^ s0;
  const s3 = s[3] ^ s1;
  s[1] = s1 ^ s2;
  s[0] = s0 ^ s3;
  s[2] = s2 ^ t;
  s[3] = rotl(s3, 11);
  return result;
}

/** 32-bit rotation (an int32 result; callers take >>> 0 where they need the unsigned word). */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The uniform double in [0, 1) that two successive words make: 27 bits of the first, 26 of the second. */
export function uniformOfWords(first: number, second: number): number {
  return ((first >>> 5) * 67108864 + (second >>> 6)) / 9007199254740992;
}

/** Uniform double in [0, 1) with 53 random bits. */
export function uniform(rng: RngState): number {
  const a = nextUint32(rng);
  return uniformOfWords(a, nextUint32(rng));
}

/** Words at or above this are redrawn, so that x % n is exactly uniform on [0, n). */
export function rejectionLimit(n: number): number {
  if (n <= 0 || !Number.isInteger(n) || n > 4294967296) throw new RangeError(`uniformInt needs a positive integer bound up to 2^32, got ${n}`);
  return 4294967296 - (4294967296 % n);
}

/** Uniform integer in [0, n). Lemire-free rejection keeps it exactly uniform. */
export function uniformInt(rng: RngState, n: number): number {
  return uniformIntBelow(rng, n, rejectionLimit(n));
}

/** As uniformInt, with its `limit` = rejectionLimit(n) computed once by the caller (hot loops). */
export function uniformIntBelow(rng: RngState, n: number, limit: number): number {
  for (;;) {
    const x = nextUint32(rng);
    if (x < limit) return x % n;
  }
}

/** Copies the generator state `from` into `to` (no allocation). */
export function copyRng(from: RngState, to: RngState): void {
  to.s[0] = from.s[0];
  to.s[1] = from.s[1];
  to.s[2] = from.s[2];
  to.s[3] = from.s[3];
}

/** Standard normal deviate (Box–Muller, the cosine branch only, so the stream is stateless). */
export function normal(rng: RngState): number {
  let u = uniform(rng);
  while (u === 0) u = uniform(rng);
  const v = uniform(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
