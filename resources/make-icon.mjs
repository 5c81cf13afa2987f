// Draws resources/icon.png (512 × 512): a patch of polydisperse disks, the app's subject, on a
// rounded dark square. Plain Node (zlib for the PNG's deflate), so the icon is reproducible:
//   node resources/make-icon.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const size = 512;
const rgba = new Uint8Array(size * size * 4);

// A small seeded generator (mulberry32) so the icon is the same on every machine.
let seed = 20240416;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// Disks with diameters from P(a) ∝ a^-3 on [0.73, 1.62] (docs/PHYSICS.md §1), placed without overlap.
const disks = [];
const unit = 46;
for (let tries = 0; tries < 20000 && disks.length < 70; tries++) {
  const u = random();
  const a = (0.73 ** -2 - u * (0.73 ** -2 - 1.62 ** -2)) ** -0.5;
  const r = (a * unit) / 2;
  const x = 70 + r + random() * (372 - 2 * r);
  const y = 70 + r + random() * (372 - 2 * r);
  if (disks.every((d) => Math.hypot(d.x - x, d.y - y) > d.r + r + 3)) disks.push({ x, y, r, a });
}

const mix = (c0, c1, t) => c0.map((c, k) => Math.round(c + (c1[k] - c) * t));
for (let py = 0; py < size; py++) {
  for (let px = 0; px < size; px++) {
    const o = 4 * (py * size + px);
    // Rounded square background with 4× supersampled edges.
    let inside = 0;
    for (let s = 0; s < 4; s++) {
      const x = px + 0.25 + (s % 2) * 0.5;
      const y = py + 0.25 + Math.floor(s / 2) * 0.5;
      const dx = Math.max(0, Math.abs(x - 256) - (256 - 96));
      const dy = Math.max(0, Math.abs(y - 256) - (256 - 96));
      if (Math.hypot(dx, dy) <= 80) inside++;
    }
    let color = mix([22, 37, 74], [38, 70, 138], py / size);
    for (const d of disks) {
      const dist = Math.hypot(px + 0.5 - d.x, py + 0.5 - d.y);
      if (dist < d.r) {
        const t = (d.a - 0.73) / (1.62 - 0.73);
        const base = mix([110, 190, 235], [245, 170, 90], t);
        color = mix(base, [255, 255, 255], Math.max(0, 0.35 - dist / d.r / 2));
        break;
      }
    }
    rgba.set([...color, Math.round((255 * inside) / 4)], o);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) Buffer.from(rgba.subarray(y * size * 4, (y + 1) * size * 4)).copy(raw, y * (size * 4 + 1) + 1);
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`resources/icon.png: ${size}×${size}, ${disks.length} disks, ${png.length} bytes`);
