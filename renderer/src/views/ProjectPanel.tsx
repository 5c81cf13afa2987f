import { useState } from 'react';
import { api, errorText } from '../api';
import { navigate } from '../router';
import { refreshProject, setState, useStore } from '../store';

const fmt = (x: unknown, digits = 6) => (typeof x === 'number' ? x.toPrecision(digits) : '—');

/** The open project: its settings in brief, its samples as they are on disk, and "run". */
export function ProjectPanel() {
  const project = useStore((s) => s.project)!;
  const jobs = useStore((s) => s.jobs);
  const [range, setRange] = useState('');
  const { settings } = project.project;
  const active = jobs.find((j) => j.project === project.path && ['queued', 'running', 'pausing', 'cancelling'].includes(j.state));
  const pending = project.samples.filter((s) => s.state !== 'done' && s.state !== 'failed').length;

  async function run() {
    try {
      let samples: [number, number] | undefined;
      if (range.trim()) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(range.trim());
        if (!m) throw new Error(`samples must be a or a-b (0-based indices), got '${range}'`);
        samples = [Number(m[1]), Number(m[2] ?? m[1])];
      }
      await api.jobs.enqueue({ dir: project.path, samples });
      navigate('jobs');
    } catch (error) {
      setState({ notice: { kind: 'error', text: errorText(error) } });
    }
  }

  return (
    <section className="panel" aria-label="Open project">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>{project.project.name}</h2>
        <div className="row">
          <input aria-label="Sample range" placeholder="all samples, or a-b" value={range} onChange={(e) => setRange(e.target.value)} style={{ width: 150 }} />
          <button className="primary" disabled={!!active || pending === 0} onClick={() => void run()}>
            {active ? `Job ${active.state}` : pending === 0 ? 'All samples done' : `Run ${pending} pending sample${pending === 1 ? '' : 's'}`}
          </button>
          <button onClick={() => void refreshProject()}>Refresh</button>
        </div>
      </div>
      <p className="muted" style={{ wordBreak: 'break-all' }}>{project.path}</p>
      <p>
        d = {settings.model.dim}, N = {settings.model.particles}, ρ = {settings.model.density}, {settings.model.potential === 'ipl' ? `IPL-${settings.model.exponent}` : 'tapered LJ'}, taper m ={' '}
        {String(settings.model.taper)}, T* = {String(settings.sampling.parentTemperature)}
        {settings.sampling.parentTemperature === 'inf' ? '' : ` (${settings.sampling.sweeps} sweeps)`}, quench {settings.quench.method} to max|f| ≤ {settings.quench.forceTolerance}, spectrum{' '}
        {settings.spectrum.enabled ? 'on' : 'off'}, seed {settings.seed}
      </p>
      <table aria-label="Samples">
        <thead>
          <tr>
            <th>Sample</th>
            <th>State</th>
            <th>E/N</th>
            <th>max |f|</th>
            <th>Quench</th>
            <th>Time (s)</th>
          </tr>
        </thead>
        <tbody>
          {project.samples.map((s) => (
            <tr key={s.id} data-sample={s.id} data-state={s.state}>
              <td>{s.id}</td>
              <td>
                <span className={`state ${s.state}`} title={s.error}>
                  {s.state}
                </span>
                {s.error ? <div className="muted" style={{ fontSize: 12 }}>{s.error}</div> : null}
              </td>
              <td>{fmt(s.meta?.energyPerParticle, 10)}</td>
              <td>{typeof s.meta?.maxForce === 'number' ? s.meta.maxForce.toExponential(2) : '—'}</td>
              <td>{s.meta?.quench ? `${s.meta.quench.method}, ${s.meta.quench.iterations} it.` : '—'}</td>
              <td>{s.meta?.timings ? fmt(Object.values(s.meta.timings).reduce((a, b) => a + b, 0), 3) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
