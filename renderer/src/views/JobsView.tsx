import { useEffect, useState } from 'react';
import type { ChainSnapshot, JobSnapshot, Preferences, SampleProgress } from '../../../main/ipc/contract';
import { api, errorText } from '../api';
import { setState, useStore } from '../store';

export function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return 'estimating…';
  if (s < 60) return `${Math.ceil(s)} s left`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s left`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min left`;
}

function Bar({ fraction, label, small }: { fraction: number; label: string; small?: boolean }) {
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
  return (
    <div className={`bar${small ? ' small' : ''}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}

const stageName = { parent: 'parent (T*)', quench: 'quench', spectrum: 'spectrum', elasticity: 'elastic moduli' } as const;

/**
 * A line of y against x in a small inline SVG (no axes: the numbers sit beside it). The y range is
 * that of the last 90 % of the points, so that the first sweeps from random positions, whose E/N is
 * orders of magnitude higher, do not flatten the rest; they are clipped at the top edge.
 */
export function Sparkline({ x, y, label, width = 180, height = 36 }: { x: number[]; y: number[]; label: string; width?: number; height?: number }) {
  if (x.length < 2) return <span className="muted">no trace yet</span>;
  const [x0, x1] = [x[0], x[x.length - 1]];
  const shown = y.slice(Math.floor(y.length / 10));
  let [lo, hi] = [Math.min(...shown), Math.max(...shown)];
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) [lo, hi] = [lo - 1, hi + 1];
  const pad = 2;
  const sx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (width - 2 * pad);
  const sy = (v: number) => pad + ((hi - Math.min(hi, v)) / (hi - lo)) * (height - 2 * pad);
  const d = x.map((v, k) => `${k ? 'L' : 'M'}${sx(v).toFixed(1)},${sy(y[k]).toFixed(1)}`).join('');
  return (
    <svg className="sparkline" role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
      <title>{`${label}: sweeps ${x0}–${x1}, E/N shown from ${lo.toPrecision(5)} to ${hi.toPrecision(5)} (the first sweeps clipped)`}</title>
      <path d={d} fill="none" stroke="currentColor" strokeWidth={1.2} />
    </svg>
  );
}

const rate = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(2));

/** One row per chain: its progress, parents written, E/N trace, τ_α, δ and acceptances, and its warnings. */
function ChainTable({ chains, running }: { chains: ChainSnapshot[]; running: SampleProgress[] }) {
  return (
    <table className="chains" aria-label="Chains" style={{ marginTop: 6 }}>
      <thead>
        <tr>
          <th>Chain</th>
          <th>Progress</th>
          <th>Parents</th>
          <th>E/N trace</th>
          <th>τ_α</th>
          <th>δ and acceptance</th>
          <th>Checks</th>
        </tr>
      </thead>
      <tbody>
        {chains.map((c) => {
          const r = c.report;
          const live = running.find((p) => p.sampleId === c.chainId);
          const finished = c.done + c.failed >= c.samples;
          const monteCarlo = r ? r.sweepsDone / c.totalSweeps : 0;
          const warnings = r?.warnings ?? [];
          const production = r?.step?.production.displacement;
          return (
            <tr key={c.chainId} data-chain={c.chainId} data-warnings={warnings.length} className={warnings.length ? 'chain-warn' : undefined}>
              <td style={{ width: 56 }}>{c.chainId}</td>
              <td style={{ width: 190 }}>
                <Bar small fraction={live?.stage === 'parent' ? live.fraction : finished ? 1 : monteCarlo} label={`${c.chainId} Monte Carlo`} />
                <div className="muted chain-stage">
                  {live ? `${stageName[live.stage]} · ${live.message}${live.etaSeconds !== undefined ? ` · ${formatSeconds(live.etaSeconds)}` : ''}` : finished ? 'finished' : r ? `sweep ${r.sweepsDone}/${c.totalSweeps}` : 'not started'}
                </div>
              </td>
              <td className="parents">
                {r?.written ?? 0}/{c.samples} written
                <div className="muted">{c.done} done{c.failed ? `, ${c.failed} failed` : ''}</div>
              </td>
              <td>
                {r ? <Sparkline x={r.trace.sweeps} y={r.trace.energy} label={`E/N of ${c.chainId}`} /> : <span className="muted">–</span>}
                {r && r.trace.energy.length ? <div className="muted">E/N = {r.trace.energy[r.trace.energy.length - 1].toFixed(4)}</div> : null}
              </td>
              <td className="tau">{r ? (r.tauAlpha !== null ? `${r.tauAlpha.toFixed(0)} sweeps` : r.tauAlphaLowerBound !== null ? `> ${r.tauAlphaLowerBound} sweeps` : '–') : '–'}</td>
              <td className="step">
                {r ? (
                  <>
                    δ = {r.delta.toPrecision(3)}
                    {r.step ? <span className="muted"> (auto, target {r.step.target})</span> : null}
                    <div className="muted">
                      accepted: displacement {rate(r.acceptance.displacement)}, swap {rate(r.acceptance.swap)}
                      {r.step ? ` · tuning ${rate(r.step.tuning.displacement)}, production ${rate(production)}` : ''}
                    </div>
                  </>
                ) : (
                  '–'
                )}
              </td>
              <td className="checks">
                {r ? <div className={r.drift.verdict === 'drifting' ? 'warning' : 'muted'}>E/N {r.drift.verdict}</div> : null}
                {warnings.map((w) => (
                  <div key={w} className="warning" role="note">
                    ⚠ {w}
                  </div>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Job({ job }: { job: JobSnapshot }) {
  const act = (work: () => Promise<unknown>) => work().catch((error) => setState({ notice: { kind: 'error', text: errorText(error) } }));
  const active = ['queued', 'running', 'pausing', 'cancelling'].includes(job.state);
  return (
    <article className="job" aria-label={`Job ${job.projectName}`} data-job={job.id} data-state={job.state}>
      <header>
        <div>
          <strong>{job.projectName}</strong>
          {job.samples ? <span className="muted"> samples {job.samples[0]}–{job.samples[1]}</span> : null} <span className={`state ${job.state}`}>{job.state}</span>
        </div>
        <div className="row">
          {job.state === 'running' ? (
            <>
              <button onClick={() => void act(() => api.jobs.pause({ id: job.id }))}>Pause</button>
              <button className="danger" onClick={() => void act(() => api.jobs.cancel({ id: job.id }))}>
                Cancel
              </button>
            </>
          ) : null}
          {job.state === 'queued' ? (
            <button className="danger" onClick={() => void act(() => api.jobs.cancel({ id: job.id }))}>
              Cancel
            </button>
          ) : null}
          {['paused', 'interrupted', 'cancelled', 'failed'].includes(job.state) && job.done < job.total ? (
            <button className="primary" onClick={() => void act(() => api.jobs.resume({ id: job.id }))}>
              Resume
            </button>
          ) : null}
          {!active ? <button onClick={() => void act(() => api.jobs.remove({ id: job.id }))}>Remove</button> : null}
        </div>
      </header>
      <Bar fraction={job.fraction} label={`Progress of ${job.projectName}`} />
      <div className="row muted" style={{ justifyContent: 'space-between', fontSize: 12, marginTop: 3 }}>
        <span className="counts">
          {job.done}/{job.total} samples done{job.failed ? `, ${job.failed} failed` : ''}
        </span>
        <span className="eta">{job.state === 'running' ? formatSeconds(job.etaSeconds) : job.finishedAt ? `ended ${new Date(job.finishedAt).toLocaleTimeString()}` : ''}</span>
      </div>
      {job.chains ? <ChainTable chains={job.chains} running={job.running} /> : job.running.length > 0 ? (
        <table style={{ marginTop: 6 }}>
          <tbody>
            {job.running.map((p) => (
              <tr key={p.sampleId}>
                <td style={{ width: 70 }}>{p.sampleId}</td>
                <td style={{ width: 110 }}>{stageName[p.stage]}</td>
                <td style={{ width: 220 }}>
                  <Bar small fraction={p.fraction} label={`${p.sampleId} ${p.stage}`} />
                </td>
                <td className="muted" style={{ fontSize: 12 }}>
                  {p.message}
                  {p.etaSeconds !== undefined ? ` · ${formatSeconds(p.etaSeconds)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {job.error ? <div className="notice error">{job.error}</div> : null}
      <details>
        <summary className="muted">Log</summary>
        <div className="log">{job.log.join('\n')}</div>
      </details>
    </article>
  );
}

/** Worker threads per run, and the GPU compute host: which backend answers here. */
function Machine() {
  const [prefs, setPrefs] = useState<Preferences>();
  const compute = useStore((s) => s.compute);
  const [probing, setProbing] = useState(false);
  useEffect(() => {
    void api.settings.preferences().then(setPrefs);
  }, []);
  const fail = (error: unknown) => setState({ notice: { kind: 'error', text: errorText(error) } });
  return (
    <div className="panel row" style={{ justifyContent: 'space-between' }}>
      <label className="row">
        Worker threads per run
        <input
          aria-label="Worker threads"
          type="number"
          min={1}
          max={256}
          style={{ width: 70 }}
          value={prefs?.jobs ?? ''}
          onChange={(e) => {
            const jobs = Number(e.target.value);
            if (Number.isInteger(jobs) && jobs >= 1) void api.settings.setPreferences({ jobs }).then(setPrefs, fail);
          }}
        />
        <span className="muted">(applies to the next run)</span>
      </label>
      <span className="row">
        <span className="muted" aria-label="Compute backend">
          {compute?.available === false
            ? compute.note ?? 'no GPU compute host in this window'
            : compute?.lastBackend
              ? `GPU kernels last ran on ${compute.lastBackend}${compute.attempts.some((a) => !a.ok) ? ` (after ${compute.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.error}`).join('; ')})` : ''}`
              : 'GPU backends not probed yet'}
        </span>
        <button
          disabled={probing || compute?.available === false}
          onClick={() => {
            setProbing(true);
            api.compute
              .probe()
              .then((c) => setState({ compute: c }), fail)
              .finally(() => setProbing(false));
          }}
        >
          {probing ? 'Probing…' : 'Probe GPU backends'}
        </button>
      </span>
    </div>
  );
}

export function JobsView() {
  const jobs = useStore((s) => s.jobs);
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <p className="muted">One job runs at a time, one worker thread per sample (per chain in a project of chains). Pause and cancel keep every finished sample on disk; a paused or interrupted job resumes where it stopped.</p>
      <Machine />
      {jobs.length === 0 ? <p className="muted">No jobs yet: run a project from Projects or Run setup.</p> : [...jobs].reverse().map((j) => <Job key={j.id} job={j} />)}
    </section>
  );
}
