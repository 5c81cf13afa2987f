/**
 * The files of a relaxation scan (`glassmodes relaxation`, docs/RELAXATION.md): <out>/fs.csv,
 * <out>/tau.csv and <out>/summary.json written, and read back for --combine. The checkpoints
 * of a running scan are engine/io/relaxationFiles.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSeries, seriesFromCsv, seriesToCsv } from '../series';
import type { ModelSettings } from '../model/settings';
import { fitRelaxationTimes } from '../pipeline/relaxationRun';
import type { ModeCouplingFit } from '../theory/modeCoupling';
import { APP_VERSION } from '../version';
import { writeFileAtomic, writeJsonAtomic } from './files';

/** A folder that does not hold a scan this version can read back. */
export class RelaxationScanError extends Error {}

/** One temperature of a scan, as written to a scan folder and read back by --combine. */
export interface ScanRow {
  temperature: number;
  seed: number;
  equilibrationSweeps: number;
  sweeps: number;
  times: ArrayLike<number>;
  fs: ArrayLike<number>;
  tauAlpha: number | null;
  tauAlphaLowerBound: number | null;
  acceptance: unknown;
  energyPerParticle: unknown;
  largestUnwrapStep: number;
}

export interface ScanMeta {
  model: ModelSettings;
  wavevector: number;
  command: string;
  settings: unknown;
  seed: number | number[];
}

const fsColumn = (temperature: number) => `Fs(T=${temperature})`;

/**
 * The three files of a scan, each written atomically: fs.csv (one lag column, the union of every
 * temperature's lags, and one F_s column per temperature, NaN at lags a run did not record),
 * tau.csv and summary.json, with the mode-coupling fit when at least 3 temperatures relaxed.
 */
export function writeScanFiles(dir: string, rows: ScanRow[], meta: ScanMeta): { fit: ModeCouplingFit | null; fitNote: string | null } {
  const times = [...new Set(rows.flatMap((r) => Array.from(r.times)))].sort((a, b) => a - b);
  const fs = makeSeries('fs', `self-intermediate scattering function F_s(k = ${meta.wavevector}, t) of swap-free MC, one column per temperature`, [
    ['t', 'sweeps', times],
    ...rows.map((r): [string, string, number[]] => {
      const at = new Map(Array.from(r.times, (t, j) => [t, r.fs[j]] as const));
      return [fsColumn(r.temperature), '1', times.map((t) => at.get(t) ?? NaN)];
    }),
  ]);
  const tau = makeSeries('tau', 'α-relaxation time, F_s(k, τ_α) = 1/e; NaN where F_s stayed above 1/e (then tau_alpha > tau_alpha_lower_bound)', [
    ['T', 'eps', rows.map((r) => r.temperature)],
    ['tau_alpha', 'sweeps', rows.map((r) => r.tauAlpha ?? NaN)],
    ['tau_alpha_lower_bound', 'sweeps', rows.map((r) => r.tauAlphaLowerBound ?? NaN)],
  ]);
  const { fit, note } = fitRelaxationTimes(rows);
  const summary = {
    temperatures: rows.map((r) => r.temperature),
    tauAlpha: rows.map((r) => r.tauAlpha),
    tauAlphaLowerBound: rows.map((r) => r.tauAlphaLowerBound),
    units: { temperature: 'eps (k_B = 1)', tauAlpha: 'swap-free MC sweeps (one sweep = N attempts)', wavevector: '1/a' },
    wavevector: meta.wavevector,
    model: meta.model,
    fit: fit && { Td: fit.Td, gamma: fit.gamma, A: fit.A, residual: fit.residual, points: fit.points, atBoundary: fit.atBoundary },
    fitNote: note,
    runs: rows.map(({ times: _t, fs: _f, ...rest }) => rest),
    provenance: { command: meta.command, settings: meta.settings, seed: meta.seed, version: APP_VERSION, date: new Date().toISOString() },
  };
  writeFileAtomic(join(dir, 'fs.csv'), seriesToCsv(fs));
  writeFileAtomic(join(dir, 'tau.csv'), seriesToCsv(tau));
  writeJsonAtomic(join(dir, 'summary.json'), summary);
  return { fit, fitNote: note };
}

/** Reads the temperatures of one scan folder back (summary.json and fs.csv). */
export function readScan(dir: string): { rows: ScanRow[]; model: ModelSettings; wavevector: number; seed: number } {
  const path = join(dir, 'summary.json');
  if (!existsSync(path) || !existsSync(join(dir, 'fs.csv'))) throw new RelaxationScanError(`${dir} holds no relaxation scan (summary.json and fs.csv from glassmodes relaxation)`);
  const summary = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(summary.runs) || !summary.model || typeof summary.wavevector !== 'number') throw new RelaxationScanError(`${path} is not the summary of a relaxation scan`);
  const table = seriesFromCsv('fs', '', readFileSync(join(dir, 'fs.csv'), 'utf8'));
  const rows = (summary.runs as Omit<ScanRow, 'times' | 'fs'>[]).map((run): ScanRow => {
    const column = table.columns.findIndex((c) => c.name === fsColumn(run.temperature));
    if (column < 0) throw new RelaxationScanError(`${join(dir, 'fs.csv')} has no column ${fsColumn(run.temperature)}`);
    const times: number[] = [];
    const fs: number[] = [];
    table.data[0].forEach((t, j) => {
      if (!Number.isNaN(table.data[column][j])) {
        times.push(t);
        fs.push(table.data[column][j]);
      }
    });
    return { ...run, times, fs };
  });
  return { rows, model: summary.model, wavevector: summary.wavevector, seed: summary.provenance?.seed };
}

