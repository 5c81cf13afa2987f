/**
 * NumPy .npy (format version 1.0) for float64 arrays, little-endian, C order: readable by
 * numpy.load. Pure byte functions; files are written through ./files.
 */
import { FormatError } from './extxyz';

export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

export function encodeNpy(data: Float64Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new FormatError(`npy: shape [${shape}] holds ${count} numbers, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let k = 0; k < data.length; k++) view.setFloat64(8 * k, data[k], true);
  return out;
}

/** The header of a .npy file: its shape and where the data start (throws a FormatError naming `source`). */
export function decodeNpyHeader(bytes: Uint8Array, source = 'npy'): { shape: number[]; offset: number } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, k) => bytes[k] !== m)) throw new FormatError(`${source}: not a .npy file`);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start + headerLength) throw new FormatError(`${source}: truncated .npy header`);
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  if (!/'descr':\s*'<f8'/.test(header)) throw new FormatError(`${source}: only little-endian float64 ('<f8') arrays are supported`);
  if (/'fortran_order':\s*True/.test(header)) throw new FormatError(`${source}: Fortran-ordered arrays are not supported`);
  const shapeMatch = header.match(/'shape':\s*\(([^)]*)\)/);
  if (!shapeMatch) throw new FormatError(`${source}: header has no shape`);
  const shape = shapeMatch[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new FormatError(`${source}: header has an invalid shape (${shapeMatch[1]})`);
  return { shape, offset: start + headerLength };
}

export function decodeNpy(bytes: Uint8Array, source = 'npy'): NpyArray {
  const { shape, offset } = decodeNpyHeader(bytes, source);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - offset !== count * 8) throw new FormatError(`${source}: expected ${count} float64 values, file holds ${(bytes.length - offset) / 8}`);
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) data[k] = dv.getFloat64(offset + 8 * k, true);
  return { shape, data };
}
