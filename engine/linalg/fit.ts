/**
 * Straight-line least squares, used for every power-law exponent (s from F(ω), stress slopes):
 * a power law y = A x^p is a line of slope p in log–log coordinates.
 */

export interface LineFit {
  slope: number;
  intercept: number;
  /** Standard error of the slope from the residual scatter (NaN with fewer than three points). */
  slopeError: number;
  points: number;
}

/** Weighted least squares y ≈ intercept + slope·x (weights default to 1). */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>): LineFit {
  const n = x.length;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < n; k++) {
    const w = weights ? weights[k] : 1;
    sw += w;
    sx += w * x[k];
    sy += w * y[k];
  }
  if (n < 2 || sw <= 0) return { slope: NaN, intercept: NaN, slopeError: NaN, points: n };
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < n; k++) {
    const w = weights ? weights[k] : 1;
    sxx += w * (x[k] - mx) ** 2;
    sxy += w * (x[k] - mx) * (y[k] - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let chi = 0;
  for (let k = 0; k < n; k++) {
    const w = weights ? weights[k] : 1;
    chi += w * (y[k] - intercept - slope * x[k]) ** 2;
  }
  const slopeError = n > 2 ? Math.sqrt(chi / (n - 2) / sxx) : NaN;
  return { slope, intercept, slopeError, points: n };
}

/** Power law y = A x^p fitted as a line in (ln x, ln y); points with x ≤ 0 or y ≤ 0 are skipped. */
export function fitPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>): LineFit & { prefactor: number } {
  const lx: number[] = [];
  const ly: number[] = [];
  const lw: number[] = [];
  for (let k = 0; k < x.length; k++) {
    if (x[k] > 0 && y[k] > 0 && (!weights || weights[k] > 0)) {
      lx.push(Math.log(x[k]));
      ly.push(Math.log(y[k]));
      lw.push(weights ? weights[k] : 1);
    }
  }
  const fit = fitLine(lx, ly, weights ? lw : undefined);
  return { ...fit, prefactor: Math.exp(fit.intercept) };
}
