/**
 * A figure on screen with its export buttons (SVG, PNG at a chosen dpi, CSV of its data). The
 * figure itself is FigureView (plain data in, no IPC); the card is the app's chrome round it and
 * hands the drawn element to export/figureExport.ts.
 */
import { useRef, useState } from 'react';
import { errorText } from '../api';
import { exportFigure, type FigureFormat } from '../export/figureExport';
import { FigureView, type FigureViewProps } from '../../../figures/FigureView';
import type { FigureModel } from '../../../figures/model';
import { DPI_RANGE } from '../../../figures/png';

export interface FigureCardProps extends Omit<FigureViewProps, 'model'> {
  /** The figure, or the reason there is none. */
  figure: { model: FigureModel } | { error: string };
  heading: string;
  /** File-name stem of exports, e.g. 'glass-dos'. */
  exportName: string;
  /** A line under the figure, e.g. what a click does. */
  hint?: string;
}

export function FigureCard({ figure, heading, exportName, hint, onPointClick, onPlotClick }: FigureCardProps) {
  const holder = useRef<HTMLDivElement>(null);
  const [dpi, setDpi] = useState<number>(DPI_RANGE.default);
  const [busy, setBusy] = useState<FigureFormat>();
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<string>();
  const model = 'model' in figure ? figure.model : null;
  const dpiValid = Number.isInteger(dpi) && dpi >= DPI_RANGE.min && dpi <= DPI_RANGE.max;

  const save = async (format: FigureFormat) => {
    const element = holder.current?.querySelector('.gm-figure');
    if (!model || !element) return;
    setBusy(format);
    setError(undefined);
    setSaved(undefined);
    try {
      const result = await exportFigure(format, element, model, { name: exportName, dpi });
      if (result) setSaved(`Saved ${result.path}`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <article className="figure-card" aria-label={`Figure ${heading}`} data-figure={model?.kind}>
      <header>
        <h3>{heading}</h3>
        {model ? (
          <div className="export" role="group" aria-label={`Export ${heading}`}>
            <span className="muted">Export</span>
            <button onClick={() => void save('svg')} disabled={!!busy}>
              SVG
            </button>
            <button onClick={() => void save('png')} disabled={!!busy || !dpiValid} title={`PNG at ${dpi} dpi`}>
              PNG
            </button>
            <label className="row" style={{ gap: 4 }}>
              at
              <input type="number" aria-label="PNG resolution (dpi)" min={DPI_RANGE.min} max={DPI_RANGE.max} step={1} value={Number.isFinite(dpi) ? dpi : ''} onChange={(e) => setDpi(Number(e.target.value))} aria-invalid={!dpiValid} />
              dpi
            </label>
            <button onClick={() => void save('csv')} disabled={!!busy}>
              CSV
            </button>
          </div>
        ) : null}
      </header>
      {model ? (
        <div ref={holder}>
          <FigureView model={model} onPointClick={onPointClick} onPlotClick={onPlotClick} />
        </div>
      ) : (
        <p className="figure-error" role="alert">
          {'error' in figure ? figure.error : ''}
        </p>
      )}
      {!dpiValid ? <p className="figure-error">The resolution must be a whole number from {DPI_RANGE.min} to {DPI_RANGE.max} dpi.</p> : null}
      {busy ? <p className="hint">Exporting {busy.toUpperCase()}…</p> : null}
      {saved ? <p className="saved" role="status">{saved}</p> : null}
      {error ? <p className="figure-error" role="alert">{error}</p> : null}
      {hint && model ? <p className="hint">{hint}</p> : null}
      {model && model.notes.length ? (
        <ul className="notes">
          {model.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}

/** Builds a figure, turning a refusal (missing series, mismatched units) into the card's message. */
export function tryFigure(build: () => FigureModel): { model: FigureModel } | { error: string } {
  try {
    return { model: build() };
  } catch (e) {
    return { error: errorText(e) };
  }
}
