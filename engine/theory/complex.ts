/** Minimal complex arithmetic for the HET-SCBA solver (principal branches throughout). */
export interface Complex {
  re: number;
  im: number;
}

export const complex = (re: number, im = 0): Complex => ({ re, im });
export const add = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
export const sub = (a: Complex, b: Complex): Complex => ({ re: a.re - b.re, im: a.im - b.im });
export const mul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
export const scale = (a: Complex, s: number): Complex => ({ re: a.re * s, im: a.im * s });
export const abs = (a: Complex): number => Math.hypot(a.re, a.im);

/** a / b (Smith's algorithm, no needless overflow). */
export function div(a: Complex, b: Complex): Complex {
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    const t = b.im / b.re;
    const den = b.re + b.im * t;
    return { re: (a.re + a.im * t) / den, im: (a.im - a.re * t) / den };
  }
  const t = b.re / b.im;
  const den = b.re * t + b.im;
  return { re: (a.re * t + a.im) / den, im: (a.im * t - a.re) / den };
}

export const inv = (a: Complex): Complex => div({ re: 1, im: 0 }, a);

/** Principal square root (Re ≥ 0; on the cut, the sign of Im follows the sign of a.im, −0 included). */
export function sqrt(a: Complex): Complex {
  const m = abs(a);
  if (m === 0) return { re: 0, im: 0 };
  if (a.re >= 0) {
    const t = Math.sqrt(0.5 * (m + a.re));
    return { re: t, im: a.im / (2 * t) };
  }
  const t = Math.sqrt(0.5 * (m - a.re));
  return { re: Math.abs(a.im) / (2 * t), im: Object.is(a.im, -0) || a.im < 0 ? -t : t };
}

/** Principal logarithm. */
export const log = (a: Complex): Complex => ({ re: Math.log(abs(a)), im: Math.atan2(a.im, a.re) });

/** Principal arctangent: atan w = (i/2)[ln(1 − i w) − ln(1 + i w)]. */
export function atan(w: Complex): Complex {
  const l1 = log({ re: 1 + w.im, im: -w.re }); // 1 − i w
  const l2 = log({ re: 1 - w.im, im: w.re }); // 1 + i w
  const d = sub(l1, l2);
  return { re: -0.5 * d.im, im: 0.5 * d.re };
}
