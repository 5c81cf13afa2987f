/**
 * Axes of a figure: the range that holds the data, its ticks (round numbers on a linear axis,
 * decades on a logarithmic one), tick labels, and axis titles with units written for people
 * ('sqrt(eps/m)/a' → '√(ε/m)/a').
 */
import type { Axis, AxisScale, Marker, Trace } from './model';

/** The values an axis must show: every plottable point (with its error) and every marker. */
export function axisValues(traces: Trace[], axis: 'x' | 'y', scale: AxisScale, markers: Marker[] = []): number[] {
  const out: number[] = [];
  const keep = (v: number) => Number.isFinite(v) && (scale === 'linear' || v > 0);
  for (const t of traces) {
    for (const p of t.points) {
      const v = axis === 'x' ? p.x : p.y;
      if (keep(v)) out.push(v);
      if (axis === 'y' && p.error !== undefined && Number.isFinite(p.error) && t.errors) {
        if (keep(v + p.error)) out.push(v + p.error);
        if (scale === 'linear' && keep(v - p.error)) out.push(v - p.error);
      }
      if (axis === 'y' && p.interval && t.errors) for (const end of p.interval) if (keep(end)) out.push(end);
    }
  }
  if (axis === 'x') for (const m of markers) if (keep(m.value)) out.push(m.value);
  return out;
}

/** 1, 2, 2.5 or 5 times a power of ten, the smallest at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * power;
}

/** Round-number ticks on [lo, hi] (about `count`), and the domain widened to the outer ticks. */
export function linearTicks(lo: number, hi: number, count = 5): { domain: [number, number]; ticks: number[] } {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return linearTicks(lo - pad, hi + pad, count);
  }
  const step = niceStep((hi - lo) / count);
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0; start + k * step <= end + step * 1e-9; k++) ticks.push(roundTo(start + k * step, step));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/**
 * Ticks on a logarithmic axis over [lo, hi] (both > 0): every decade, thinned to at most ~7; with
 * fewer than two decades in range, also 2× and 5×. The domain is padded by a little (not snapped
 * to whole decades, which wastes most of a panel on a narrow range).
 */
export function logTicks(lo: number, hi: number): { domain: [number, number]; ticks: number[] } {
  if (!(lo > 0)) throw new RangeError(`a logarithmic axis needs positive values (got ${lo})`);
  if (!(hi > lo)) return logTicks(lo / 2, (hi > 0 ? hi : lo) * 2);
  const pad = (Math.log10(hi) - Math.log10(lo)) * 0.04;
  const domain: [number, number] = [lo / 10 ** pad, hi * 10 ** pad];
  const first = Math.ceil(Math.log10(domain[0]) - 1e-9);
  const last = Math.floor(Math.log10(domain[1]) + 1e-9);
  let ticks: number[] = [];
  const decades = last - first + 1;
  const stride = Math.max(1, Math.ceil(decades / 7));
  for (let e = first; e <= last; e++) if ((e - first) % stride === 0) ticks.push(10 ** e);
  if (decades < 2) {
    ticks = [];
    for (let e = first - 1; e <= last; e++) for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= domain[0] && v <= domain[1]) ticks.push(v);
    }
  }
  return { domain, ticks: ticks.map((v) => Number(v.toPrecision(12))) };
}

function roundTo(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(digits, 15)));
}

/**
 * A linear axis over the finite values that also shows x = ∞: the round ticks of the finite range,
 * then one more step to a break, and one more to the position of ∞ (its own tick, read '∞').
 * Without finite values ∞ sits at 1 on [0, 1.5].
 */
export function makeAxisWithInfinity(quantity: string, label: string, unit: string, finite: number[], options: { includeZero?: boolean } = {}): Axis {
  const values = finite.filter((v) => Number.isFinite(v));
  const base = values.length ? makeAxis(quantity, label, unit, 'linear', values, options) : { quantity, label, unit, scale: 'linear' as const, domain: [0, 0.5] as [number, number], ticks: [0, 0.5] };
  const step = base.ticks.length > 1 ? base.ticks[1] - base.ticks[0] : Math.abs(base.domain[1] - base.domain[0]) || 1;
  const end = base.domain[1];
  const at = roundTo(end + step, step);
  return { ...base, domain: [base.domain[0], roundTo(at + step / 2, step)], ticks: [...base.ticks, at], infinity: { at, breakAt: roundTo(end + step / 2, step) } };
}

/** An axis over the given values (padding a linear axis to round ticks, a log one a little). */
export function makeAxis(quantity: string, label: string, unit: string, scale: AxisScale, values: number[], options: { includeZero?: boolean; domain?: [number, number] } = {}): Axis {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (options.domain) [lo, hi] = options.domain;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = scale === 'log' ? [1, 10] : [0, 1];
  if (scale === 'linear' && options.includeZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  const { domain, ticks } = scale === 'log' ? logTicks(lo, hi) : linearTicks(lo, hi);
  return { quantity, label, unit, scale, domain, ticks };
}

const SUPERSCRIPT: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻', '.': '·' };

export function superscript(text: string): string {
  return [...text].map((c) => SUPERSCRIPT[c] ?? c).join('');
}

/** A tick label: plain for 0.01 ≤ |v| < 10⁴ on a log axis (and always on a linear one), else 10ⁿ. */
export function formatTick(value: number, scale: AxisScale): string {
  if (value === 0) return '0';
  if (scale === 'log') {
    const e = Math.log10(value);
    const whole = Math.round(e);
    if (Math.abs(e - whole) < 1e-9 && (whole < -2 || whole > 3)) return `10${superscript(String(whole))}`;
    if (value < 0.01 || value >= 1e4) {
      const m = value / 10 ** Math.floor(e);
      return `${Number(m.toPrecision(3))}×10${superscript(String(Math.floor(e)))}`;
    }
  }
  return formatNumber(value).replace('-', '−');
}

/** A number for a legend or a note: 3 significant digits, a real minus sign. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return value === Infinity ? '∞' : value === -Infinity ? '−∞' : 'n/a';
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) {
    const e = Math.floor(Math.log10(Math.abs(value)));
    return `${Number((value / 10 ** e).toPrecision(digits))}×10${superscript(String(e))}`.replace('-', '−');
  }
  return String(Number(value.toPrecision(digits))).replace('-', '−');
}

/**
 * A unit as the series write it (ASCII) for a label: sqrt(x) → √(x), eps → ε, a*b → a·b,
 * x^2 → x², a trailing ^1 dropped.
 */
export function prettyUnit(unit: string): string {
  if (unit === '1' || unit === '') return '';
  return unit
    .replace(/\beps\b/g, 'ε')
    .replace(/sqrt\(/g, '√(')
    .replace(/\^1(?![0-9.])/g, '')
    .replace(/\^(-?[0-9.]+)/g, (_, p: string) => superscript(p))
    .replace(/\*/g, '·');
}

/** An axis title: 'ω [√(ε/m)/a]', or the bare label for a dimensionless quantity. */
export function axisTitle(axis: Pick<Axis, 'label' | 'unit'>): string {
  const unit = prettyUnit(axis.unit);
  return unit ? `${axis.label} [${unit}]` : axis.label;
}
