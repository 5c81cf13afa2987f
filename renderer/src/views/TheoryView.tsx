/**
 * Theory: HET-SCBA curves under sliders for γ and K/G₀ (and a finite box L), recomputed here by
 * the engine's own theory functions; γ_c and the boson peak, which moves to zero as γ → γ_c; the
 * GHET type-II curve of the open project from its measured P(σ) over its measured DOS; and Table 1
 * for the project's taper beside the exponents the analysis measured.
 */
import { useMemo, useState } from 'react';
import type { AnalysisData, ProjectDetail } from '../../../main/ipc/contract';
import type { Taper } from '../../../engine/model/settings';
import { tableOne, type TableOneRow } from '../../../engine/theory/tableOne';
import { errorText } from '../api';
import { formatNumber } from '../../../figures/axes';
import { buildFigure, DEFAULT_THEORY } from '../../../figures/build';
import { FigureCard, tryFigure } from './FigureCard';
import { hetFacts, type HetFacts, type HetFigureOptions } from '../../../figures/theory';
import '../../../figures/figures.css';
import { navigate } from '../router';
import { useStore } from '../store';
import { useProjectAnalysis } from '../projectData';
import { useDebounced } from '../loaded';

function numberParam(params: URLSearchParams, name: string, fallback: number): number {
  const v = Number(params.get(name));
  return params.has(name) && Number.isFinite(v) ? v : fallback;
}

const SLIDERS = {
  gamma: { min: 0, max: 0.3, step: 0.001 },
  bulk: { min: 0.5, max: 10, step: 0.05 },
  box: { min: 7, max: 60, step: 0.5 },
} as const;

export function TheoryView({ params }: { params: URLSearchParams }) {
  const project = useStore((s) => s.project);
  const [gamma, setGamma] = useState(() => numberParam(params, 'gamma', DEFAULT_THEORY.gamma));
  const [bulk, setBulk] = useState(() => numberParam(params, 'bulk', DEFAULT_THEORY.bulk));
  const [boxOn, setBoxOn] = useState(() => params.has('box'));
  const [box, setBox] = useState(() => numberParam(params, 'box', 20));
  const options = useDebounced<HetFigureOptions>(useMemo(() => ({ gamma, bulk, box: boxOn ? box : null }), [gamma, bulk, box, boxOn]), 150);
  const pending = options.gamma !== gamma || options.bulk !== bulk || (options.box ?? null) !== (boxOn ? box : null);

  const het = useMemo(() => tryFigure(() => buildFigure({ kind: 'het', theory: options })), [options]);
  // The boson-peak curve depends on K/G₀ and the box only; the current γ is a marker on it.
  const bosonPeak = useMemo(() => tryFigure(() => buildFigure({ kind: 'boson-peak', theory: options })), [options]);
  const facts = useMemo<HetFacts | { error: string }>(() => {
    try {
      return hetFacts(options);
    } catch (e) {
      return { error: errorText(e) };
    }
  }, [options]);

  return (
    <section aria-labelledby="theory-title">
      <h1 id="theory-title">Theory</h1>
      <div className="panel">
        <h2 style={{ marginTop: 0 }}>Heterogeneous-elasticity theory (HET-SCBA)</h2>
        <div className="theory-controls" role="group" aria-label="HET parameters">
          <label>
            <span>
              Disorder γ = {formatNumber(gamma, 3)}
            </span>
            <input type="range" aria-label="gamma" {...SLIDERS.gamma} value={gamma} onChange={(e) => setGamma(Number(e.target.value))} />
          </label>
          <label>
            <span>K/G₀ = {formatNumber(bulk, 3)}</span>
            <input type="range" aria-label="K/G0" {...SLIDERS.bulk} value={bulk} onChange={(e) => setBulk(Number(e.target.value))} />
          </label>
          <label>
            <span className="row" style={{ gap: 6 }}>
              <input type="checkbox" aria-label="Finite box" checked={boxOn} onChange={(e) => setBoxOn(e.target.checked)} />
              Finite box, L k_ξ = {formatNumber(box, 3)}
            </span>
            <input type="range" aria-label="box L" {...SLIDERS.box} value={box} disabled={!boxOn} onChange={(e) => setBox(Number(e.target.value))} />
          </label>
        </div>
        {'error' in facts ? (
          <p className="figure-error">{facts.error}</p>
        ) : (
          <ul className="theory-facts" aria-label="HET facts">
            <li>
              γ_c = {formatNumber(facts.gammaC, 5)} for K/G₀ = {formatNumber(options.bulk)}
              {options.box ? ` in a box L k_ξ = ${formatNumber(options.box)}` : ''}: γ/γ_c = {formatNumber(options.gamma / facts.gammaC)}
              {facts.stable ? '' : <strong className="warn"> — beyond the instability: Σ(0) is complex, the glass is unstable</strong>}
            </li>
            <li>{facts.bosonPeak ? `Boson peak (maximum of g/ω²) at ω_BP = ${formatNumber(facts.bosonPeak.omega)}; it moves to zero as γ → γ_c (right).` : 'No boson peak resolved at these parameters.'}</li>
            {options.box ? <li>{facts.gap ? `Finite-box gap (Eq. 40): λ_c = ${formatNumber(facts.gap.lambdaC)}, ω_c = ${formatNumber(facts.gap.omegaC)}` : 'No gap edge below the first lattice phonon line.'}</li> : null}
            {pending ? <li className="muted">recomputing…</li> : null}
          </ul>
        )}
      </div>
      <div className="figure-grid">
        <FigureCard figure={het} heading="HET-SCBA g(ω) and g(ω)/ω²" exportName={`het-gamma${options.gamma}-K${options.bulk}${options.box ? `-L${options.box}` : ''}`} />
        <FigureCard figure={bosonPeak} heading="Boson peak against γ/γ_c" exportName={`boson-peak-K${options.bulk}${options.box ? `-L${options.box}` : ''}`} />
      </div>
      {project ? <ProjectTheory key={project.path} project={project} /> : <p className="muted">Open a project to see its GHET type-II curve and its measured exponents beside Table 1.</p>}
    </section>
  );
}

/** GHET and Table 1 for the open project (both need its analysis/). */
function ProjectTheory({ project }: { project: ProjectDetail }) {
  const { analysis, error } = useProjectAnalysis(project.path);
  // ζ starts at the value the analysis fitted (1 if none) until the user types another.
  const [zetaInput, setZeta] = useState<number>();
  const zeta = zetaInput ?? (analysis ? (analysis.summary.ghet?.zeta ?? 1) : undefined);

  const zetaValid = zeta !== undefined && zeta > 0;
  const ghet = useMemo(() => (analysis && zetaValid ? tryFigure(() => buildFigure({ kind: 'ghet', projects: [analysis], zeta })) : null), [analysis, zeta, zetaValid]);
  const model = project.project.settings.model;

  return (
    <>
      <h2>GHET type-II modes of {project.project.name}</h2>
      {error ? <p className="figure-error" role="alert">{error}</p> : null}
      {analysis === undefined && !error ? <p className="muted">Reading analysis/…</p> : null}
      {analysis === null ? (
        <p>
          {project.project.name} has not been analysed yet: <button onClick={() => navigate('spectra')}>Analyse it in Spectra</button>
        </p>
      ) : null}
      {analysis ? (
        <>
          <label className="row" style={{ gap: 6, fontSize: 13 }}>
            ζ of σ = λζ (Eq. 8):
            <input type="number" aria-label="zeta" min={0} step={0.1} value={zeta ?? ''} onChange={(e) => setZeta(Number(e.target.value))} aria-invalid={!zetaValid} style={{ width: 90 }} />
            <span className="muted">amplitude matched to the measured DOS in the s window</span>
          </label>
          {ghet ? <FigureCard figure={ghet} heading="GHET type-II DOS over the measured DOS" exportName={`${analysis.name}-ghet`} /> : <p className="figure-error">ζ must be positive.</p>}
        </>
      ) : null}
      <h2>Table 1: low-frequency exponents of type-II modes</h2>
      <TableOne taper={model.taper} potential={model.potential} analysis={analysis ?? null} />
    </>
  );
}

const TABLE_ONE_TAPERS: { taper: Taper; potential: 'ipl' | 'lj' }[] = [
  { taper: 2, potential: 'ipl' },
  { taper: 3, potential: 'ipl' },
  { taper: 4, potential: 'ipl' },
  { taper: 'inf', potential: 'ipl' },
  { taper: 2, potential: 'lj' },
];

function exponent(x: number): string {
  return formatNumber(x, 3);
}

/** Table 1 of the paper (engine tableOne) with the project's row marked and, under it, what was measured. */
function TableOne({ taper, potential, analysis }: { taper: Taper; potential: 'ipl' | 'lj'; analysis: AnalysisData | null }) {
  const own = tableOne(taper, potential);
  const rows: (TableOneRow & { own: boolean })[] = TABLE_ONE_TAPERS.map((t) => ({ ...tableOne(t.taper, t.potential), own: false }));
  const ownIndex = rows.findIndex((r) => r.m === own.m);
  if (ownIndex >= 0) rows[ownIndex].own = true;
  else rows.push({ ...own, own: true });
  const s = analysis?.summary;
  const measured = (value: number | null | undefined, extra = '') => (typeof value === 'number' && Number.isFinite(value) ? `${exponent(value)}${extra}` : '—');
  return (
    <table className="table-one" aria-label="Table 1">
      <thead>
        <tr>
          <th>m</th>
          <th>P(σ) ~ σ^a</th>
          <th>ρ(λ) ~ λ^b</th>
          <th>g(ω) ~ ω^s</th>
          <th>F(ω) ~ ω^(s+1)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.m} className={r.own ? 'this-taper' : ''}>
            <td>{r.m}{r.own ? ' (this project, predicted)' : ''}</td>
            <td className="predicted">{exponent(r.stress)}</td>
            <td className="predicted">{exponent(r.rho)}</td>
            <td className="predicted">{exponent(r.dos)}</td>
            <td className="predicted">{exponent(r.integratedDos)}</td>
          </tr>
        ))}
        <tr>
          <td>type I (random matrix)</td>
          <td>—</td>
          <td>—</td>
          <td className="predicted">2</td>
          <td className="predicted">3</td>
        </tr>
        <tr className="measured-row" aria-label="Measured">
          <td>measured ({s ? `${s.samples} sample(s)` : 'not analysed'})</td>
          <td className="measured">{s ? `${measured(s.stressSlope.offDiagonal.value)} off-diag., ${measured(s.stressSlope.radial.value)} radial` : '—'}</td>
          <td className="measured">—</td>
          <td className="measured">{s ? `${measured(s.s.value)} [${measured(s.s.low)}, ${measured(s.s.high)}]` : '—'}</td>
          <td className="measured">{s && Number.isFinite(s.s.value) ? `${exponent(s.s.value + 1)} (fit of F)` : '—'}</td>
        </tr>
      </tbody>
    </table>
  );
}
