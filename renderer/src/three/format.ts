/** Numbers as the 3D views print them: `digits` significant digits, exponent form when very small or large. */
export function formatValue(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  if (magnitude < 1e-3 || magnitude >= 1e5) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}
