import { useEffect, useState } from 'react';
import type { JobSnapshot, Preferences } from '../../../main/ipc/contract';
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

const stageName = { parent: 'parent (T*)', quench: 'quench', spectrum: 'spectrum' } as const;

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
      {job.running.length > 0 ? (
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
      <p className="muted">One job runs at a time, one worker thread per sample. Pause and cancel keep every finished sample on disk; a paused or interrupted job resumes where it stopped.</p>
      <Machine />
      {jobs.length === 0 ? <p className="muted">No jobs yet: run a project from Projects or Run setup.</p> : [...jobs].reverse().map((j) => <Job key={j.id} job={j} />)}
    </section>
  );
}
