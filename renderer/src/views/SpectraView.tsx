/**
 * Spectra: the open project's analysis/ as figures (DOS, reduced DOS, F(ω), participation ratio,
 * level-spacing ratios, local stresses), for the ensemble or for one sample alone (computed in
 * memory by the same engine function), other analysed projects overlaid on demand, and one
 * sample's modes to pick from: a click on a point opens that mode, a click in the DOS or F(ω)
 * opens the stored mode nearest that ω. Analyses a project that has none yet.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AnalysisData, AnalysisProgressEvent, ProjectDetail, RecentProject } from '../../../main/ipc/contract';
import { api, errorText } from '../api';
import { formatNumber } from '../../../figures/axes';
import { buildFigure } from '../../../figures/build';
import { FigureCard, tryFigure } from './FigureCard';
import type { FigureKind, Panel, TracePoint } from '../../../figures/model';
import { nearestStoredMode } from '../../../figures/spectral';
import '../../../figures/figures.css';
import { navigate } from '../router';
import { useStore } from '../store';
import { useLoaded } from '../loaded';
import { useProjectAnalysis, useSampleSpectrum } from '../projectData';
import { IndicatorNote, referenceModes } from './modeIndicator';

export function SpectraView({ params }: { params: URLSearchParams }) {
  const project = useStore((s) => s.project);
  return (
    <section aria-labelledby="spectra-title">
      <h1 id="spectra-title">Spectra</h1>
      {project ? (
        <ProjectSpectra key={project.path} project={project} params={params} />
      ) : (
        <div className="placeholder">
          <h2>No project open</h2>
          <p>Open a project in Projects: its densities of states, level statistics and stress distributions appear here once it has been analysed.</p>
          <button onClick={() => navigate('projects')}>Go to Projects</button>
        </div>
      )}
    </section>
  );
}

/** The figures of this view, in order, with their headings. */
const SPECTRAL_FIGURES: { kind: FigureKind; heading: string; clickOpensMode: boolean }[] = [
  { kind: 'dos', heading: 'Density of states g(ω)', clickOpensMode: true },
  { kind: 'reduced-dos', heading: 'Reduced DOS', clickOpensMode: true },
  { kind: 'idos', heading: 'Integrated DOS F(ω) and the exponent s', clickOpensMode: true },
  { kind: 'pr', heading: 'Participation ratio of the stored modes', clickOpensMode: false },
  { kind: 'level-ratio', heading: 'Level-spacing ratios', clickOpensMode: false },
  { kind: 'stress', heading: 'Local stresses', clickOpensMode: false },
];

const NO_RECENT: RecentProject[] = [];

type Overlay = { state: 'loading' } | { state: 'ready'; data: AnalysisData } | { state: 'missing' } | { state: 'failed'; error: string };

function ProjectSpectra({ project, params }: { project: ProjectDetail; params: URLSearchParams }) {
  const dir = project.path;
  const { analysis, error: loadError, analysing, analyse: analyseProject } = useProjectAnalysis(dir);
  // The other recent projects, to overlay (a list that cannot be read offers none).
  const recent = useLoaded(dir, () => api.projects.recent().then((list) => list.filter((r) => r.path !== dir && !r.problem)))?.value ?? NO_RECENT;
  const [overlays, setOverlays] = useState<Record<string, Overlay>>({});
  const doneSamples = project.samples.filter((s) => s.state === 'done').map((s) => s.id);
  const [sampleId, setSampleId] = useState<string | undefined>(() => {
    const asked = params.get('sample');
    return asked && doneSamples.includes(asked) ? asked : doneSamples[0];
  });
  const loadedSpectrum = useSampleSpectrum(dir, sampleId);
  const spectrum = loadedSpectrum?.value;
  const spectrumError = loadedSpectrum?.error;
  /** 'ensemble', or the id of the one sample the figures show. */
  const [scope, setScope] = useState<string>('ensemble');
  /** The latest progress of an analysis of this project in flight (ensemble, or one sample). */
  const [progress, setProgress] = useState<AnalysisProgressEvent>();
  useEffect(() => api.on('analysis', (event) => event.dir === dir && setProgress(event)), [dir]);
  const progressOf = (sample?: string) =>
    progress && progress.sampleId === sample && progress.fraction < 1 ? (
      <span className="analysis-progress" role="status" aria-label="Analysis progress">
        <progress max={1} value={progress.fraction} /> {Math.round(100 * progress.fraction)}% {progress.message}
      </span>
    ) : null;

  // One sample's analysis, computed in memory when the scope is a sample.
  const single = useLoaded(scope === 'ensemble' ? null : `${dir}|${scope}`, () => api.results.sampleAnalysis({ dir, sampleId: scope }), errorText);

  const analyse = async () => {
    setProgress(undefined);
    await analyseProject();
  };

  const toggleOverlay = async (path: string, on: boolean) => {
    if (!on) {
      setOverlays(({ [path]: _, ...rest }) => rest);
      return;
    }
    setOverlays((o) => ({ ...o, [path]: { state: 'loading' } }));
    try {
      const data = await api.results.analysis({ dir: path });
      setOverlays((o) => (path in o ? { ...o, [path]: data ? { state: 'ready', data } : { state: 'missing' } } : o));
    } catch (e) {
      setOverlays((o) => (path in o ? { ...o, [path]: { state: 'failed', error: errorText(e) } } : o));
    }
  };

  // What the figures show for this project: the ensemble (analysis/), or one sample alone.
  const shown = scope === 'ensemble' ? analysis : single?.value;
  const projects = useMemo(() => {
    if (!shown) return [];
    const extra = recent.map((r) => overlays[r.path]).flatMap((o) => (o?.state === 'ready' ? [o.data] : []));
    return [shown, ...extra];
  }, [shown, overlays, recent]);

  const figures = useMemo(() => SPECTRAL_FIGURES.map((f) => ({ ...f, figure: tryFigure(() => buildFigure({ kind: f.kind, projects })) })), [projects]);
  // The first overlaid project that is a T* = ∞ ensemble of this model: the modes of the sample are labelled against it.
  const reference = useMemo(() => {
    if (!analysis) return null;
    for (const r of recent) {
      const o = overlays[r.path];
      if (o?.state !== 'ready') continue;
      const choice = referenceModes(o.data, analysis.summary);
      if ('reference' in choice) return { dir: r.path, modes: choice.reference };
    }
    return null;
  }, [analysis, overlays, recent]);
  const sampleFigure = useMemo(() => (spectrum ? tryFigure(() => buildFigure({ kind: 'sample-modes', projects: analysis ? [analysis] : [], sample: spectrum, reference: reference?.modes })) : null), [spectrum, analysis, reference]);

  const openMode = useCallback((index: number) => {
    if (sampleId) navigate(`modes?${new URLSearchParams({ sample: sampleId, mode: String(index), ...(reference ? { reference: reference.dir } : {}) })}`);
  }, [sampleId, reference]);
  const openPoint = useCallback((point: TracePoint) => {
    if (point.mode !== undefined) openMode(point.mode);
  }, [openMode]);
  const openNearest = useCallback(
    (omega: number, _panel: Panel) => {
      if (!spectrum) return;
      const index = nearestStoredMode(spectrum, omega);
      if (index !== null) openMode(index);
    },
    [spectrum, openMode],
  );

  if (loadError && analysis === undefined) {
    return (
      <p className="notice error" role="alert">
        {loadError}
      </p>
    );
  }
  if (analysis === undefined) return <p className="muted">Reading {dir}/analysis…</p>;

  if (analysis === null) {
    return (
      <div className="placeholder">
        <h2>{project.project.name} has not been analysed yet</h2>
        <p>
          Analysing computes every observable of the finished samples ({doneSamples.length} of {project.samples.length}) into <code>analysis/</code>, as <code>glassmodes analyze</code> does. It can take a few seconds.
        </p>
        <button className="primary" onClick={() => void analyse()} disabled={analysing || doneSamples.length === 0}>
          {analysing ? 'Analysing…' : 'Analyse'}
        </button>
        {analysing ? progressOf(undefined) : null}
        {doneSamples.length === 0 ? <p className="muted">No sample has finished yet: run the project first.</p> : null}
        {loadError ? <p className="figure-error" role="alert">{loadError}</p> : null}
      </div>
    );
  }

  const s = (shown ?? analysis).summary;
  const hint = spectrum ? `Click in the plot to open the stored mode of ${sampleId} nearest that ω.` : undefined;
  return (
    <>
      <p className="summary-line">
        {(shown ?? analysis).name}: {s.samples} sample(s), d = {s.dim}, N = {s.particles}, taper m = {s.taper === 'inf' ? '∞' : s.taper}, T* = {s.parentTemperature === 'inf' ? '∞' : s.parentTemperature}; s = {formatNumber(s.s.value)} [{formatNumber(s.s.low)}, {formatNumber(s.s.high)}], ω₀ = {formatNumber(s.omega0)}
        {s.unstableSamples.length ? <strong className="figure-error"> — unstable samples: {s.unstableSamples.join(', ')}</strong> : null}
      </p>
      <div className="panel spectra-controls">
        <div>
          <button onClick={() => void analyse()} disabled={analysing}>
            {analysing ? 'Analysing…' : 'Analyse again'}
          </button>
          {analysing ? progressOf(undefined) : null}
          {loadError ? <p className="figure-error" role="alert">{loadError}</p> : null}
        </div>
        <fieldset className="overlay-list" aria-label="Overlay projects">
          <legend>Overlay other projects</legend>
          {recent.length === 0 ? <span className="muted">No other recent projects.</span> : null}
          {recent.map((r) => {
            const o = overlays[r.path];
            return (
              <label key={r.path} className="row" style={{ gap: 6 }} title={r.path}>
                <input type="checkbox" aria-label={`Overlay ${r.name}`} checked={!!o && o.state !== 'missing'} onChange={(e) => void toggleOverlay(r.path, e.target.checked)} />
                {r.name}
                {o?.state === 'loading' ? <span className="muted">loading…</span> : null}
                {o?.state === 'missing' ? <span className="muted">not analysed: open it and press Analyse</span> : null}
                {o?.state === 'failed' ? <span className="figure-error">{o.error}</span> : null}
              </label>
            );
          })}
        </fieldset>
        <label className="field">
          Show
          <select aria-label="Scope" value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="ensemble">the ensemble ({analysis.summary.samples} samples, analysis/)</option>
            {doneSamples.map((id) => (
              <option key={id} value={id}>
                one sample: {id}
              </option>
            ))}
          </select>
          {scope !== 'ensemble' && single?.error ? <span className="figure-error">{single.error}</span> : null}
          {scope !== 'ensemble' && !shown && !single?.error ? (progressOf(scope) ?? <span className="muted">analysing {scope}…</span>) : null}
        </label>
        <label className="field">
          Sample for picking modes
          <select aria-label="Sample" value={sampleId ?? ''} onChange={(e) => setSampleId(e.target.value)}>
            {doneSamples.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
      </div>

      <div className="figure-grid">
        {figures.map((f) => (
          <FigureCard key={f.kind} figure={f.figure} heading={f.heading} exportName={`${(shown ?? analysis).name.replace(' · ', '-')}-${f.kind}`} hint={f.clickOpensMode ? hint : undefined} onPlotClick={f.clickOpensMode && spectrum ? openNearest : undefined} />
        ))}
      </div>

      <h2>Modes of one sample</h2>
      {spectrumError ? <p className="figure-error" role="alert">{spectrumError}</p> : null}
      {sampleId && !spectrum && !spectrumError ? <p className="muted">Reading the spectrum of {sampleId}…</p> : null}
      {sampleFigure ? (
        <FigureCard figure={sampleFigure} heading={`Participation ratio of every mode of ${sampleId}`} exportName={`${analysis.name}-${sampleId}-modes`} hint="Click a point to open that mode in Modes (stored modes only)." onPointClick={openPoint} />
      ) : null}
      {spectrum ? <IndicatorNote reference={reference?.modes ?? null} /> : null}
    </>
  );
}
