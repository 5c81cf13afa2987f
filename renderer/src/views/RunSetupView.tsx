import { useMemo, useState } from 'react';
import { boxSide, DEFAULT_SETTINGS, SettingsError, validateSettings, type ProjectSettings } from '../../../engine/model/settings';
import { api, errorText } from '../api';
import { useDebounced, useLoaded } from '../loaded';
import { navigate } from '../router';
import { setState } from '../store';
import type { CallError } from '../../../main/ipc/client';
import type { MonteCarloTime } from '../../../main/ipc/contract';

type Kind = 'number' | 'integer' | 'taper' | 'temperature' | 'displacement' | 'choice' | 'boolean';
interface Field {
  /** Path in ProjectSettings, e.g. 'model.particles'. */
  key: string;
  label: string;
  kind: Kind;
  hint: string;
  options?: readonly string[];
}

/** The settings of docs/PHYSICS.md §1–4 with their allowed ranges, as the form shows them. */
const groups: { title: string; fields: Field[] }[] = [
  {
    title: 'Model (docs/PHYSICS.md §1)',
    fields: [
      { key: 'model.dim', label: 'Dimension d', kind: 'choice', options: ['2', '3'], hint: '2 or 3' },
      { key: 'model.particles', label: 'Particles N', kind: 'integer', hint: 'integer ≥ 2, with box side L ≥ 2 r_c' },
      { key: 'model.density', label: 'Density ρ', kind: 'number', hint: '> 0; L = (N/ρ)^(1/d)' },
      { key: 'model.diameterMin', label: 'Smallest diameter a_min', kind: 'number', hint: '> 0; P(a) ∝ a⁻³' },
      { key: 'model.diameterMax', label: 'Largest diameter a_max', kind: 'number', hint: '> a_min' },
      { key: 'model.cutoff', label: 'Cutoff r_c', kind: 'number', hint: '> a_max' },
      { key: 'model.exponent', label: 'Exponent n', kind: 'number', hint: '> 0 (IPL-n)' },
      { key: 'model.taper', label: 'Taper order m', kind: 'taper', hint: "integer ≥ 2, or 'inf' for T_∞" },
      { key: 'model.potential', label: 'Potential', kind: 'choice', options: ['ipl', 'lj'], hint: "'ipl' (inverse power) or 'lj' (with a minimum)" },
    ],
  },
  {
    title: 'Sampling (docs/PHYSICS.md §3)',
    fields: [
      { key: 'sampling.parentTemperature', label: 'Parental temperature T*', kind: 'temperature', hint: "> 0, or 'inf' (random positions)" },
      { key: 'sampling.sweeps', label: 'Swap MC sweeps per independent sample', kind: 'integer', hint: 'integer ≥ 0 (paper: 1.1×10⁶); not used by chains' },
      { key: 'sampling.swapProbability', label: 'Swap probability', kind: 'number', hint: 'in [0, 1]' },
      { key: 'sampling.maxDisplacement', label: 'Max displacement δ', kind: 'displacement', hint: "> 0, below L/2; 'auto': tuned during equilibration towards the target acceptance, then frozen" },
      { key: 'sampling.targetAcceptance', label: 'Target acceptance', kind: 'number', hint: "in (0, 1); what δ = 'auto' aims at" },
      { key: 'sampling.chains', label: 'Chains C', kind: 'integer', hint: 'empty or 0: independent samples; C ≥ 1: C chains share the samples' },
      { key: 'sampling.equilibrate', label: 'Equilibrate (sweeps)', kind: 'integer', hint: 'integer ≥ 0: sweeps of a chain before its first parent' },
      { key: 'sampling.sampleEvery', label: 'Sample every (sweeps)', kind: 'integer', hint: 'integer ≥ 1: sweeps between parents of a chain (decorrelated when ≥ 2 τ_α)' },
      { key: 'sampling.checkpointSeconds', label: 'Checkpoint every (s)', kind: 'number', hint: '> 0' },
    ],
  },
  {
    title: 'Quench (docs/PHYSICS.md §3)',
    fields: [
      { key: 'quench.method', label: 'Method', kind: 'choice', options: ['lbfgs', 'fire'], hint: 'L-BFGS (paper) or FIRE' },
      { key: 'quench.forceTolerance', label: 'Force tolerance', kind: 'number', hint: 'max|f| at convergence, > 0' },
      { key: 'quench.maxIterations', label: 'Max iterations', kind: 'integer', hint: 'integer > 0' },
      { key: 'quench.memory', label: 'L-BFGS memory', kind: 'integer', hint: 'integer in [1, 100]' },
    ],
  },
  {
    title: 'Spectrum (docs/PHYSICS.md §4)',
    fields: [
      { key: 'spectrum.enabled', label: 'Compute the spectrum', kind: 'boolean', hint: '' },
      { key: 'spectrum.storedModes', label: 'Stored modes K', kind: 'integer', hint: 'integer in [0, dN]; empty: min(300, dN)' },
      { key: 'spectrum.backend', label: 'Backend', kind: 'choice', options: ['auto', 'webgpu', 'webgl2', 'webasm', 'cpu', 'reference'], hint: "'auto' tries webgpu → webgl2 → webasm → cpu" },
    ],
  },
  {
    title: 'Ensemble',
    fields: [
      { key: 'samples', label: 'Samples', kind: 'integer', hint: 'integer in [1, 100000]' },
      { key: 'seed', label: 'Seed', kind: 'integer', hint: 'integer ≥ 0' },
    ],
  },
];

type Values = Record<string, string>;

function get(settings: ProjectSettings, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], settings);
}

function initialValues(): Values {
  const v: Values = {};
  for (const g of groups) for (const f of g.fields) v[f.key] = String(get(DEFAULT_SETTINGS, f.key));
  // A first project that finishes in seconds: small 2D glass, random parents, with its spectrum
  // (dN = 200: milliseconds), so Spectra, Modes and Export have something to show at once.
  Object.assign(v, { 'model.dim': '2', 'model.particles': '100', 'spectrum.enabled': 'true', 'spectrum.storedModes': '', samples: '4' });
  return v;
}

/** Turns the form's text into the settings object validateSettings reads (numbers stay numbers). */
function toSettings(values: Values): Record<string, unknown> {
  const out: Record<string, Record<string, unknown> | unknown> = {};
  for (const g of groups) {
    for (const f of g.fields) {
      const text = values[f.key].trim();
      if (f.key === 'spectrum.storedModes' && text === '') continue; // the engine's default, min(300, dN)
      if (f.key === 'sampling.chains' && text === '') continue; // the engine's default, 0: independent samples
      let value: unknown;
      if (f.kind === 'boolean') value = text === 'true';
      else if (f.kind === 'choice') value = f.key === 'model.dim' ? Number(text) : text;
      else if ((f.kind === 'taper' || f.kind === 'temperature') && /^(inf|infinity|∞)$/i.test(text)) value = 'inf';
      else if (f.kind === 'displacement' && /^auto$/i.test(text)) value = 'auto';
      else value = text === '' ? text : Number(text);
      const [head, tail] = f.key.split('.');
      if (tail) {
        const section = (out[head] ??= {}) as Record<string, unknown>;
        section[tail] = value;
      } else out[head] = value;
    }
  }
  return out;
}

/** A duration as the CLI's estimate writes it (cli/progress.ts formatDuration): 40s, 3m05s, 2h05m. */
function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** The estimate's sentence, worded as `glassmodes new` prints it. */
export function estimateText(e: MonteCarloTime, settings: ProjectSettings): string {
  return (
    `Monte Carlo: ~${formatDuration(e.perUnitSeconds)} per ${e.unit}, ~${formatDuration(e.totalSeconds)} on one core in all, ` +
    `~${formatDuration(e.wallSeconds)} with ${e.workers} worker${e.workers === 1 ? '' : 's'} ` +
    `(measured here: ${(e.rate / 1e3).toFixed(0)}k attempts/s at N = ${settings.model.particles}, T* = ${settings.sampling.parentTemperature}); quench and spectrum come on top`
  );
}

/** Milliseconds after the last edit before the estimate is measured (in main, ~0.5 s of Monte Carlo). */
const ESTIMATE_DEBOUNCE_MS = 600;

type Estimate = { state: 'none'; text: string } | { state: 'measuring' } | { state: 'ready'; text: string } | { state: 'failed'; text: string };

/** The expected Monte Carlo time of valid settings, measured in main after the user stops typing. */
function useMonteCarloEstimate(settings: ProjectSettings | undefined): Estimate | undefined {
  // `key` is the settings' content: a new object with the same values measures nothing again.
  const key = settings ? JSON.stringify(settings) : null;
  const settled = useDebounced(key, ESTIMATE_DEBOUNCE_MS);
  const noMonteCarlo = settings?.sampling.parentTemperature === 'inf';
  const measured = useLoaded(settled !== null && settled === key && !noMonteCarlo ? settled : null, () => api.projects.estimate({ settings: settings as unknown as Record<string, unknown> }), errorText);
  if (!settings) return undefined;
  if (noMonteCarlo) return { state: 'none', text: 'no Monte Carlo (T* = ∞): parents are random positions' };
  if (measured?.error !== undefined) return { state: 'failed', text: `no estimate: ${measured.error}` };
  if (!measured || !('value' in measured)) return { state: 'measuring' };
  const e = measured.value;
  return e ? { state: 'ready', text: estimateText(e, settings) } : { state: 'none', text: 'no Monte Carlo (0 sweeps)' };
}

export function RunSetupView() {
  const [values, setValues] = useState<Values>(initialValues);
  const [folder, setFolder] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<{ setting?: string; message: string }>();

  // The engine's own gate, run here as the user types; main runs it again before writing anything.
  const verdict = useMemo(() => {
    try {
      return { ok: true as const, settings: validateSettings(toSettings(values)) };
    } catch (error) {
      if (error instanceof SettingsError) return { ok: false as const, setting: error.setting, message: error.message };
      return { ok: false as const, setting: 'settings', message: String(error) };
    }
  }, [values]);

  const estimate = useMonteCarloEstimate(verdict.ok ? verdict.settings : undefined);

  async function create(run: boolean) {
    setBusy(true);
    setServerError(undefined);
    try {
      const detail = await api.projects.create({ dir: folder.trim(), name: name.trim() || undefined, settings: toSettings(values) });
      setState({ project: detail, notice: { kind: 'info', text: `Created ${detail.project.name} with ${detail.samples.length} samples.` } });
      if (run) {
        await api.jobs.enqueue({ dir: detail.path });
        navigate('jobs');
      } else navigate('projects');
    } catch (error) {
      setServerError({ setting: (error as CallError).setting, message: errorText(error) });
    } finally {
      setBusy(false);
    }
  }

  const errorFor = (key: string) => (!verdict.ok && verdict.setting === key ? verdict.message : serverError?.setting === key ? serverError.message : undefined);

  return (
    <section aria-labelledby="setup-title">
      <h1 id="setup-title">Run setup</h1>
      <p className="muted">A new project: a folder with its settings and sample list. Defaults are the paper’s, except a small, fast first glass.</p>
      <fieldset>
        <legend>Project</legend>
        <div className="form-grid">
          <label className="field" style={{ gridColumn: 'span 2' }}>
            Folder (new or empty)
            <div className="row">
              <input aria-label="Folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/path/to/new-project" style={{ flex: 1 }} />
              <button type="button" onClick={() => void api.projects.chooseFolder({ purpose: 'new' }).then((p) => p && setFolder(p))}>
                Browse…
              </button>
            </div>
          </label>
          <label className="field">
            Name
            <input aria-label="Name" value={name} onChange={(e) => setName(e.target.value)} placeholder="folder name" />
          </label>
        </div>
      </fieldset>
      {groups.map((g) => (
        <fieldset key={g.title}>
          <legend>{g.title}</legend>
          <div className="form-grid">
            {g.fields.map((f) => {
              const error = errorFor(f.key);
              const set = (v: string) => setValues((old) => ({ ...old, [f.key]: v }));
              return (
                <label key={f.key} className={`field${f.kind === 'boolean' ? ' check' : ''}`}>
                  {f.kind === 'boolean' ? (
                    <>
                      <input type="checkbox" name={f.key} checked={values[f.key] === 'true'} onChange={(e) => set(String(e.target.checked))} />
                      {f.label}
                    </>
                  ) : (
                    <>
                      {f.label}
                      {f.kind === 'choice' ? (
                        <select name={f.key} value={values[f.key]} onChange={(e) => set(e.target.value)} aria-invalid={!!error}>
                          {f.options!.map((o) => (
                            <option key={o}>{o}</option>
                          ))}
                        </select>
                      ) : (
                        <input name={f.key} value={values[f.key]} onChange={(e) => set(e.target.value)} aria-invalid={!!error} inputMode={f.kind === 'taper' || f.kind === 'temperature' || f.kind === 'displacement' ? 'text' : 'decimal'} />
                      )}
                      {error ? <span className="error" role="alert">{error}</span> : <span className="hint">{f.hint}</span>}
                    </>
                  )}
                </label>
              );
            })}
          </div>
        </fieldset>
      ))}
      {!verdict.ok && !groups.some((g) => g.fields.some((f) => f.key === verdict.setting)) ? <div className="notice error">{verdict.message}</div> : null}
      {serverError && !serverError.setting ? <div className="notice error" role="alert">{serverError.message}</div> : null}
      {estimate ? (
        <p className={`estimate ${estimate.state}`} aria-label="Monte Carlo estimate" aria-live="polite">
          {estimate.state === 'measuring' ? 'Monte Carlo: measuring this machine’s rate…' : estimate.text}
        </p>
      ) : null}
      <div className="row">
        <button className="primary" disabled={!verdict.ok || !folder.trim() || busy} onClick={() => void create(true)}>
          Create and run
        </button>
        <button disabled={!verdict.ok || !folder.trim() || busy} onClick={() => void create(false)}>
          Create
        </button>
        {verdict.ok ? (
          <span className="muted">
            Box side L = {boxSide(verdict.settings.model).toFixed(3)}, {verdict.settings.samples} sample
            {verdict.settings.samples === 1 ? '' : 's'}
          </span>
        ) : null}
      </div>
    </section>
  );
}
