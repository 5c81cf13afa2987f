/**
 * The engine's WebAssembly kernels (C sources in engine/<folder>/wasm/, compiled by
 * scripts/build-wasm.mjs into committed base64 bytes): decoding and a synchronous compile, cached
 * per module. Every host of the engine has WebAssembly; where a compile is refused (a browser's main
 * thread refuses synchronous compiles over 4 KB) `compileWasm` returns null and the caller keeps its
 * TypeScript path.
 */

/** The part of the WebAssembly JS API the kernels use (the engine's type environment has no DOM lib). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBuffer };
}
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 to bytes (no atob: the engine's hosts need not have it). */
export function decodeBase64(text: string): Uint8Array {
  const value = new Int16Array(128).fill(-1);
  for (let k = 0; k < 64; k++) value[BASE64.charCodeAt(k)] = k;
  let length = text.length;
  while (length > 0 && text[length - 1] === '=') length--;
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let k = 0; k < length; k++) {
    const code = text.charCodeAt(k);
    const v = code < 128 ? value[code] : -1;
    if (v < 0) throw new RangeError(`not base64: character ${k}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

const compiled = new Map<string, object | null>();

/**
 * The compiled module of the bytes `make` gives (made and compiled once per `key`, cached), or null
 * where WebAssembly or the compile is refused.
 */
export function compileWasmBytes(key: string, make: () => Uint8Array): object | null {
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  let mod: object | null = null;
  try {
    mod = wasmApi ? new wasmApi.Module(make()) : null;
  } catch {
    mod = null;
  }
  compiled.set(key, mod);
  return mod;
}

/** The compiled module of these base64 bytes (cached), or null where WebAssembly or the compile is refused. */
export function compileWasm(base64: string): object | null {
  return compileWasmBytes(base64, () => decodeBase64(base64));
}
