import { useEffect, useMemo, useRef, useState } from 'react';
import type { ProjectDetail, SampleSpectrum, SeriesData } from '../../../main/ipc/contract';
import { seriesToCsv, type Series } from '../../../engine/series';
import { api, errorText } from '../api';
import { useStore } from '../store';
import { bytesToBase64, textToBase64 } from '../export/base64';
import { checkMovieRequest, isAbortError, type EncodedMovie, type MovieFormat } from '../export/movie';
import { ModeFileExport } from './ModeFileExport';
import { encodeModeMovie, modeMovieName, movieTiming, type ModeColouring, type ModeMovieSettings } from '../export/modeMovie';
import { firstNonZeroStoredMode } from '../storedModes';
import { useProjectAnalysis, useSampleSpectrum } from '../projectData';
import { SampleSelect, samplesWithSpectrum, useSampleChoice } from './SampleSelect';

/**
 * Export: a mode's oscillation as a WebM (VP9) or GIF movie, and the project's analysis/ tables
 * as CSV (the engine's own formatter, the same text `glassmodes analyze` writes) with the summary
 * as JSON. Every file goes through export.save: a save dialog in the app. Figures are exported
 * from the Spectra and Theory views.
 */
export function ExportView({ params }: { params: URLSearchParams }) {
  const project = useStore((s) => s.project);
  if (!project) {
    return (
      <section aria-labelledby="export-title">
        <h1 id="export-title">Export</h1>
        <p className="muted">Open a project to export its mode movies and analysis tables.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="export-title">
      <h1 id="export-title">Export</h1>
      <p className="muted">
        From <strong>{project.project.name}</strong>. Figures (SVG, PNG) are exported from the <a href="#/spectra">Spectra</a> and <a href="#/theory">Theory</a> views. The project folder
        itself is the raw export: extended XYZ for ASE and OVITO, .npy for NumPy (<code>{project.path}</code>).
      </p>
      <ModeMovieExport key={project.path} project={project} params={params} />
      <ModeFileExport key={`modes:${project.path}`} project={project} />
      <AnalysisExport key={`analysis:${project.path}`} dir={project.path} />
    </section>
  );
}

// ---- mode movies ---------------------------------------------------------------------------

const sizePresets = [
  { id: '720x720', label: '720 × 720 (square)', width: 720, height: 720 },
  { id: '480x480', label: '480 × 480 (square)', width: 480, height: 480 },
  { id: '1080x1080', label: '1080 × 1080 (square)', width: 1080, height: 1080 },
  { id: '640x480', label: '640 × 480 (4:3)', width: 640, height: 480 },
  { id: '1280x720', label: '1280 × 720 (HD)', width: 1280, height: 720 },
  { id: '1920x1080', label: '1920 × 1080 (full HD)', width: 1920, height: 1080 },
] as const;

interface MovieForm {
  sizePreset: string;
  width: number;
  height: number;
  lengthValue: number;
  lengthUnit: 'periods' | 'seconds';
  periodSeconds: number;
  fps: number;
  largestDisplacement: number;
  showArrows: boolean;
  showVorticity: boolean;
  colourBy: ModeColouring;
  format: MovieFormat;
}

const defaultForm: MovieForm = {
  sizePreset: '720x720',
  width: 720,
  height: 720,
  lengthValue: 2,
  lengthUnit: 'periods',
  periodSeconds: 2,
  fps: 30,
  largestDisplacement: 0.3,
  showArrows: false,
  showVorticity: false,
  colourBy: 'diameter',
  format: 'webm',
};

function movieSettings(form: MovieForm): ModeMovieSettings {
  return {
    format: form.format,
    width: form.width,
    height: form.height,
    fps: form.fps,
    periodSeconds: form.periodSeconds,
    length: { unit: form.lengthUnit, value: form.lengthValue },
    largestDisplacement: form.largestDisplacement,
    showArrows: form.showArrows,
    showVorticity: form.showVorticity,
    colourBy: form.colourBy,
  };
}

/** What is wrong with the form, in words, or undefined when a movie can be made. */
function formProblem(form: MovieForm): string | undefined {
  if (!(form.periodSeconds > 0)) return 'one period must last more than 0 seconds';
  if (!(form.lengthValue > 0)) return `the length must be more than 0 ${form.lengthUnit}`;
  if (form.lengthUnit === 'periods' && !Number.isInteger(form.lengthValue)) return 'the length in periods must be a whole number (so the movie loops)';
  if (!(form.largestDisplacement > 0)) return 'the amplitude must be more than 0';
  try {
    checkMovieRequest({ format: form.format, width: form.width, height: form.height, fps: form.fps, frames: movieTiming(movieSettings(form)).frames });
  } catch (error) {
    return errorText(error);
  }
  return undefined;
}

type MovieOutcome =
  | { kind: 'saved'; path: string; movie: Omit<EncodedMovie, 'bytes'> & { byteLength: number } }
  | { kind: 'not-saved' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; text: string };

interface MovieJob {
  stage: 'loading' | 'encoding' | 'saving';
  done: number;
  total: number;
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** One option per stored mode of a sample, labelled by modeLabel. */
function StoredModeOptions({ spectrum }: { spectrum: SampleSpectrum }) {
  return (
    <>
      {Array.from({ length: spectrum.storedModes }, (_, k) => (
        <option key={k} value={k}>
          {modeLabel(spectrum, k)}
        </option>
      ))}
    </>
  );
}

function modeLabel(spectrum: SampleSpectrum, index: number): string {
  const omega = spectrum.frequencies[index];
  const pr = spectrum.participation[index];
  const rotation = spectrum.rotationalFraction[index];
  const parts = [`mode ${index}`, omega === null ? 'λ < 0' : `ω = ${omega.toPrecision(4)}`];
  if (spectrum.zeroModes.includes(index)) parts.push('zero mode');
  else {
    if (pr !== undefined) parts.push(`PR ${pr.toFixed(3)}`);
    if (rotation !== undefined && rotation !== null) parts.push(`rot. ${rotation.toFixed(2)}`);
  }
  return parts.join(' · ');
}

function ModeMovieExport({ project, params }: { project: ProjectDetail; params: URLSearchParams }) {
  const dir = project.path;
  const samples = samplesWithSpectrum(project);
  const requestedSample = params.get('sample');
  const requestedMode = params.get('mode');
  const requestedCompare = params.get('compare');
  // A link such as #/export?sample=s0001&mode=5 (from the Modes view) picks that sample and mode.
  const [sampleId, setSampleId] = useSampleChoice(samples.map((s) => s.id), requestedSample);
  const loaded = useSampleSpectrum(dir, sampleId);
  const spectrum = loaded?.value;
  const spectrumError = loaded?.error;
  // The modes picked by hand, for this sample and link; until then the link's (when stored) or the first non-zero one.
  const origin = `${sampleId}|${requestedSample}|${requestedMode}|${requestedCompare}`;
  const [picked, setPicked] = useState<{ origin: string; mode?: number; compare?: number | 'none' }>();
  const mine = picked?.origin === origin ? picked : undefined;
  const pick = (change: { mode?: number; compare?: number | 'none' }) => setPicked({ ...mine, origin, ...change });
  const linked = (x: string | null) => {
    const k = x !== null && sampleId === requestedSample ? Number(x) : NaN;
    return spectrum && Number.isInteger(k) && k >= 0 && k < spectrum.storedModes ? k : undefined;
  };
  const modeIndex = spectrum ? (mine?.mode ?? linked(requestedMode) ?? firstNonZeroStoredMode(spectrum) ?? 0) : undefined;
  const compareIndex = spectrum ? (mine?.compare === 'none' ? undefined : (mine?.compare ?? linked(requestedCompare))) : undefined;
  const [form, setForm] = useState<MovieForm>(defaultForm);
  const [job, setJob] = useState<MovieJob>();
  const [outcome, setOutcome] = useState<MovieOutcome>();
  const abort = useRef<AbortController | undefined>(undefined);

  // Leaving the view stops an export in progress.
  useEffect(() => () => abort.current?.abort(), []);

  const update = (change: Partial<MovieForm>) => setForm((f) => ({ ...f, ...change }));
  const timing = movieTiming(movieSettings(form));
  const problem = formProblem(form);
  const busy = job !== undefined;

  async function exportMovie() {
    if (!sampleId || modeIndex === undefined) return;
    const controller = new AbortController();
    abort.current = controller;
    const settings = movieSettings(form);
    setOutcome(undefined);
    setJob({ stage: 'loading', done: 0, total: timing.frames });
    try {
      const indices = compareIndex === undefined ? [modeIndex] : [modeIndex, compareIndex];
      const modes = await Promise.all(indices.map((index) => api.results.mode({ dir, sampleId, index })));
      if (controller.signal.aborted) throw new DOMException('cancelled', 'AbortError');
      const movie = await encodeModeMovie(modes, settings, {
        signal: controller.signal,
        onProgress: (done, total) => setJob({ stage: 'encoding', done, total }),
      });
      if (controller.signal.aborted) throw new DOMException('cancelled', 'AbortError');
      setJob({ stage: 'saving', done: timing.frames, total: timing.frames });
      const saved = await api.export.save({ name: modeMovieName(sampleId, indices, settings.format), kind: settings.format, base64: bytesToBase64(movie.bytes) });
      const { bytes, ...summary } = movie;
      setOutcome(saved ? { kind: 'saved', path: saved.path, movie: { ...summary, byteLength: bytes.length } } : { kind: 'not-saved' });
    } catch (error) {
      setOutcome(isAbortError(error) ? { kind: 'cancelled' } : { kind: 'failed', text: errorText(error) });
    } finally {
      if (abort.current === controller) abort.current = undefined;
      setJob(undefined);
    }
  }

  if (samples.length === 0) {
    return (
      <fieldset aria-label="Mode movie">
        <legend>Mode movie</legend>
        <p className="muted">No sample of this project has a spectrum yet: run it with “Compute the spectrum” on, then come back for its modes.</p>
      </fieldset>
    );
  }

  const percent = job && job.total > 0 ? Math.round((100 * job.done) / job.total) : 0;
  return (
    <fieldset aria-label="Mode movie">
      <legend>Mode movie</legend>
      <p className="muted">
        One stored mode oscillating, r<sub>i</sub> + A sin(2πt/T) e<sub>i</sub>, or two side by side, drawn as in the Modes view; a movie of whole periods loops without a jump.
      </p>
      <div className="form-grid">
        <label className="field">
          Sample
          <SampleSelect label="Sample" ids={samples.map((s) => s.id)} value={sampleId} disabled={busy} onChange={setSampleId} />
        </label>
        <label className="field">
          Mode
          <select aria-label="Mode" value={modeIndex ?? ''} disabled={busy || !spectrum} onChange={(e) => pick({ mode: Number(e.target.value) })}>
            {spectrum ? <StoredModeOptions spectrum={spectrum} /> : null}
          </select>
          <span className="hint">{spectrumError ? <span className="error">{spectrumError}</span> : spectrum ? `${spectrum.storedModes} stored modes (0-based, ascending ω)` : 'loading the spectrum…'}</span>
        </label>
        <label className="field">
          Side by side with
          <select aria-label="Compare with" value={compareIndex ?? ''} disabled={busy || !spectrum} onChange={(e) => pick({ compare: e.target.value === '' ? 'none' : Number(e.target.value) })}>
            <option value="">— one mode only —</option>
            {spectrum ? <StoredModeOptions spectrum={spectrum} /> : null}
          </select>
          <span className="hint">e.g. a type-I and a type-II mode; each panel is labelled with its ω, PR and rotational fraction</span>
        </label>
        <label className="field">
          Size (pixels)
          <select
            aria-label="Size"
            value={form.sizePreset}
            disabled={busy}
            onChange={(e) => {
              const preset = sizePresets.find((p) => p.id === e.target.value);
              update(preset ? { sizePreset: preset.id, width: preset.width, height: preset.height } : { sizePreset: 'custom' });
            }}
          >
            {sizePresets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom">custom…</option>
          </select>
          {form.sizePreset === 'custom' ? (
            <span className="row">
              <input aria-label="Width" type="number" min={16} max={4096} step={2} value={form.width} disabled={busy} onChange={(e) => update({ width: e.target.valueAsNumber })} style={{ width: 90 }} />
              ×
              <input aria-label="Height" type="number" min={16} max={4096} step={2} value={form.height} disabled={busy} onChange={(e) => update({ height: e.target.valueAsNumber })} style={{ width: 90 }} />
            </span>
          ) : null}
        </label>
        <label className="field">
          Length
          <span className="row">
            <input aria-label="Length" type="number" min={1} step={form.lengthUnit === 'periods' ? 1 : 0.5} value={form.lengthValue} disabled={busy} onChange={(e) => update({ lengthValue: e.target.valueAsNumber })} style={{ width: 90 }} />
            <select aria-label="Length unit" value={form.lengthUnit} disabled={busy} onChange={(e) => update({ lengthUnit: e.target.value as MovieForm['lengthUnit'] })}>
              <option value="periods">periods</option>
              <option value="seconds">seconds</option>
            </select>
          </span>
        </label>
        <label className="field">
          One period lasts (s)
          <input aria-label="Seconds per period" type="number" min={0.1} step={0.1} value={form.periodSeconds} disabled={busy} onChange={(e) => update({ periodSeconds: e.target.valueAsNumber })} />
          <span className="hint">movie time per oscillation</span>
        </label>
        <label className="field">
          Frame rate (fps)
          <input aria-label="Frame rate" type="number" min={1} max={120} step={1} value={form.fps} disabled={busy} onChange={(e) => update({ fps: e.target.valueAsNumber })} />
          <span className="hint">GIF: at most 50</span>
        </label>
        <label className="field">
          Amplitude (mean diameters)
          <input aria-label="Amplitude" type="number" min={0} step={0.05} value={form.largestDisplacement} disabled={busy} onChange={(e) => update({ largestDisplacement: e.target.valueAsNumber })} />
          <span className="hint">how far the particle that moves most moves at the turning points</span>
        </label>
        <label className="field">
          Colour by
          <select aria-label="Colour by" value={form.colourBy} disabled={busy} onChange={(e) => update({ colourBy: e.target.value as ModeColouring })}>
            <option value="diameter">diameter</option>
            <option value="amplitude">displacement amplitude</option>
            <option value="vorticity">vorticity</option>
          </select>
        </label>
        <div className="field">
          Overlays
          <label className="field check">
            <input type="checkbox" aria-label="Arrows" checked={form.showArrows} disabled={busy} onChange={(e) => update({ showArrows: e.target.checked })} /> displacement arrows
          </label>
          <label className="field check">
            <input type="checkbox" aria-label="Vorticity" checked={form.showVorticity} disabled={busy} onChange={(e) => update({ showVorticity: e.target.checked })} /> vorticity field
          </label>
        </div>
        <div className="field" role="radiogroup" aria-label="Format">
          Format
          <label className="field check">
            <input type="radio" name="movie-format" aria-label="WebM" checked={form.format === 'webm'} disabled={busy} onChange={() => update({ format: 'webm' })} /> WebM (VP9 video)
          </label>
          <label className="field check">
            <input type="radio" name="movie-format" aria-label="GIF" checked={form.format === 'gif'} disabled={busy} onChange={() => update({ format: 'gif' })} /> GIF (animated, 256 colours per frame)
          </label>
        </div>
      </div>
      <p className="muted" aria-label="Movie summary">
        {timing.frames} frames at {form.fps} fps = {timing.seconds.toFixed(2)} s, {timing.periods % 1 === 0 ? timing.periods : timing.periods.toFixed(2)} period{timing.periods === 1 ? '' : 's'} of {timing.framesPerPeriod} frames; {form.width} × {form.height} pixels
      </p>
      {problem ? <div className="notice error" role="alert" aria-label="Movie settings problem">{problem}</div> : null}
      <div className="row">
        <button className="primary" disabled={busy || !!problem || !spectrum || modeIndex === undefined} onClick={() => void exportMovie()}>
          Export movie
        </button>
        <button disabled={!busy || job?.stage === 'saving'} onClick={() => abort.current?.abort()}>
          Cancel
        </button>
      </div>
      {job ? (
        <div style={{ marginTop: 10 }}>
          <div className="bar" role="progressbar" aria-label="Movie progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <span style={{ width: `${percent}%` }} />
          </div>
          <div className="muted">{job.stage === 'loading' ? 'Loading the mode…' : job.stage === 'encoding' ? `Encoding frame ${job.done} of ${job.total}` : 'Saving…'}</div>
        </div>
      ) : null}
      {outcome ? <MovieOutcomeNote outcome={outcome} /> : null}
    </fieldset>
  );
}

function MovieOutcomeNote({ outcome }: { outcome: MovieOutcome }) {
  switch (outcome.kind) {
    case 'saved': {
      const m = outcome.movie;
      return (
        <div className="notice info" role="status" aria-label="Movie result" data-outcome="saved" data-path={outcome.path}>
          <span>
            Saved {m.frames} frames, {m.width} × {m.height}, {m.codec === 'gif' ? 'GIF' : `WebM (${m.codec.toUpperCase()}, ${m.codecString})`}, {m.fps.toFixed(m.fps % 1 === 0 ? 0 : 2)} fps, {formatBytes(m.byteLength)} to <code>{outcome.path}</code>
            {m.notes.map((note) => (
              <span key={note} className="muted">
                {' '}
                Note: {note}.
              </span>
            ))}
          </span>
        </div>
      );
    }
    case 'not-saved':
      return (
        <div className="notice info" role="status" aria-label="Movie result" data-outcome="not-saved">
          The movie was made but not saved (the save dialog was cancelled).
        </div>
      );
    case 'cancelled':
      return (
        <div className="notice info" role="status" aria-label="Movie result" data-outcome="cancelled">
          Cancelled: nothing was saved.
        </div>
      );
    case 'failed':
      return (
        <div className="notice error" role="alert" aria-label="Movie result" data-outcome="failed">
          The movie could not be made: {outcome.text}
        </div>
      );
  }
}

// ---- analysis tables -----------------------------------------------------------------------

/** A series as it came over IPC back to the engine's shape, so the engine's CSV formatter writes it (null was NaN). */
function seriesFromData(series: SeriesData): Series {
  return { name: series.name, description: series.description, columns: series.columns, data: series.data.map((column) => Float64Array.from(column, (x) => x ?? NaN)) };
}

type Saved = { path: string } | 'not-saved' | { error: string };

function AnalysisExport({ dir }: { dir: string }) {
  const { analysis, error, analysing, analyse } = useProjectAnalysis(dir);
  const [saved, setSaved] = useState<Record<string, Saved>>({});

  async function save(key: string, name: string, kind: 'csv' | 'json', text: string) {
    try {
      const result = await api.export.save({ name, kind, base64: textToBase64(text) });
      setSaved((s) => ({ ...s, [key]: result ?? 'not-saved' }));
    } catch (e) {
      setSaved((s) => ({ ...s, [key]: { error: errorText(e) } }));
    }
  }

  const rows = useMemo(() => analysis?.series.map((s) => ({ data: s, rows: s.data[0]?.length ?? 0 })) ?? [], [analysis]);

  return (
    <fieldset aria-label="Analysis tables">
      <legend>Analysis tables</legend>
      {error ? <div className="notice error">{error}</div> : null}
      {analysis === undefined && !error ? <p className="muted">Reading analysis/…</p> : null}
      {analysis === null ? (
        <div>
          <p className="muted">This project has not been analysed yet: analysis/ holds no series. Analyse it (the same as <code>glassmodes analyze</code>) to export its tables.</p>
          <button onClick={() => void analyse()} disabled={analysing}>
            {analysing ? 'Analysing…' : 'Analyse now'}
          </button>
        </div>
      ) : null}
      {analysis ? (
        <>
          <p className="muted">
            Every series as CSV: a header naming each column with its unit (<code>omega [sqrt(eps/m)/a]</code>), then one row per point, numbers in their shortest round-tripping form. The same text as{' '}
            <code>analysis/&lt;name&gt;.csv</code>.
          </p>
          <table aria-label="Series">
            <thead>
              <tr>
                <th>Series</th>
                <th>Columns</th>
                <th>Rows</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map(({ data, rows: n }) => (
                <tr key={data.name} data-series={data.name}>
                  <td>
                    <strong>{data.name}</strong>
                    <div className="muted">{data.description}</div>
                  </td>
                  <td>{data.columns.map((c) => (c.unit === '1' ? c.name : `${c.name} [${c.unit}]`)).join(', ')}</td>
                  <td>{n}</td>
                  <td style={{ whiteSpace: 'nowrap' }}>
                    <button onClick={() => void save(data.name, `${data.name}.csv`, 'csv', seriesToCsv(seriesFromData(data)))}>Save CSV</button>
                    <SavedNote saved={saved[data.name]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row" style={{ marginTop: 10 }}>
            <button onClick={() => void save('summary', 'summary.json', 'json', JSON.stringify(analysis.summary, null, 2) + '\n')}>Save summary as JSON</button>
            <span className="muted">the ensemble summary with its provenance (summary.json)</span>
            <SavedNote saved={saved.summary} />
          </div>
        </>
      ) : null}
    </fieldset>
  );
}

function SavedNote({ saved }: { saved: Saved | undefined }) {
  if (saved === undefined) return null;
  if (saved === 'not-saved') return <div className="muted" aria-label="Saved">not saved</div>;
  if ('error' in saved) return <div className="error" role="alert">{saved.error}</div>;
  return (
    <div className="muted" aria-label="Saved" data-path={saved.path}>
      saved to <code>{saved.path}</code>
    </div>
  );
}
