import { useCallback, useEffect, useState } from 'react';
import type { RecentProject, ResumeOffer } from '../../../main/ipc/contract';
import { api, errorText } from '../api';
import { navigate } from '../router';
import { openProject, setState, useStore } from '../store';
import { ProjectPanel } from './ProjectPanel';
import { ImportGlassPanel } from './ImportGlassPanel';

export function ProjectsView({ params }: { params: URLSearchParams }) {
  const project = useStore((s) => s.project);
  const jobs = useStore((s) => s.jobs);
  const [recent, setRecent] = useState<RecentProject[]>([]);
  const [offers, setOffers] = useState<ResumeOffer[]>([]);
  const [folder, setFolder] = useState('');
  const [renaming, setRenaming] = useState<{ path: string; name: string }>();

  const reload = useCallback(async () => {
    setRecent(await api.projects.recent());
    const { offerResume } = await api.settings.preferences();
    setOffers(offerResume ? await api.jobs.resumeOffers() : []);
  }, []);

  useEffect(() => {
    void reload();
  }, [reload, project?.path, jobs.length, jobs.map((j) => j.state).join()]);

  useEffect(() => {
    const open = params.get('open');
    if (open) void openProject(open).then(reload).catch(() => {});
    if (params.get('choose') === 'open') void choose(true); // File → Open Project… opens what was picked
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params.toString()]);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await reload();
    } catch (error) {
      setState({ notice: { kind: 'error', text: errorText(error) } });
    }
  };

  async function choose(open = false) {
    const picked = await api.projects.chooseFolder({ purpose: 'open' });
    if (!picked) return;
    setFolder(picked);
    if (open) await act(() => openProject(picked));
  }

  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      <div className="panel">
        <div className="row">
          <button className="primary" onClick={() => navigate('setup')}>
            New project…
          </button>
          <ImportGlassPanel onDone={() => void reload()} />
          <span className="muted">or open a project folder (one made here, or by the CLI’s <code>glassmodes new</code>):</span>
        </div>
        <div className="row" style={{ marginTop: 8 }}>
          <input aria-label="Project folder" placeholder="/path/to/project" value={folder} onChange={(e) => setFolder(e.target.value)} style={{ flex: 1, minWidth: 320 }} />
          <button onClick={() => void choose()}>Browse…</button>
          <button disabled={!folder.trim()} onClick={() => void act(() => openProject(folder.trim()))}>
            Open
          </button>
          <button disabled={!folder.trim()} onClick={() => void act(() => openProject(folder.trim(), 'import'))} title="Add a folder made by the glassmodes CLI">
            Import CLI folder
          </button>
        </div>
      </div>

      {offers.length > 0 ? (
        <div className="panel" role="region" aria-label="Unfinished projects">
          <strong>Unfinished projects</strong>
          <table>
            <tbody>
              {offers.map((o) => (
                <tr key={o.project}>
                  <td>{o.name}</td>
                  <td className="muted">
                    {o.pending} of {o.total} samples pending{o.interrupted ? ' — a run was interrupted' : ''}
                  </td>
                  <td>
                    <button onClick={() => void act(async () => { await api.jobs.enqueue({ dir: o.project }); navigate('jobs'); })}>Resume</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <h2>Recent projects</h2>
      {recent.length === 0 ? (
        <p className="muted">No projects yet. Create one in Run setup, or open a folder above.</p>
      ) : (
        <table aria-label="Recent projects">
          <thead>
            <tr>
              <th>Name</th>
              <th>Folder</th>
              <th>Samples</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {recent.map((r) => (
              <tr key={r.path} className={project?.path === r.path ? 'current' : ''}>
                <td>
                  {renaming?.path === r.path ? (
                    <form
                      className="row"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void act(async () => {
                          const detail = await api.projects.rename({ dir: r.path, name: renaming.name });
                          if (project?.path === r.path) setState({ project: detail });
                          setRenaming(undefined);
                        });
                      }}
                    >
                      <input aria-label="New name" value={renaming.name} onChange={(e) => setRenaming({ path: r.path, name: e.target.value })} autoFocus />
                      <button type="submit">Save</button>
                      <button type="button" onClick={() => setRenaming(undefined)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <strong>{r.name}</strong>
                  )}
                </td>
                <td className="muted" style={{ wordBreak: 'break-all' }}>
                  {r.path}
                </td>
                <td>{r.problem ? <span className="state failed" title={r.problem}>{r.problem}</span> : `${r.counts?.done ?? 0}/${r.total ?? 0} done${r.counts?.failed ? `, ${r.counts.failed} failed` : ''}`}</td>
                <td className="row" style={{ justifyContent: 'flex-end' }}>
                  <button disabled={!!r.problem} onClick={() => void act(() => openProject(r.path))}>
                    Open
                  </button>
                  <button disabled={!!r.problem} onClick={() => setRenaming({ path: r.path, name: r.name })}>
                    Rename
                  </button>
                  <button onClick={() => void act(async () => { await api.projects.forget({ dir: r.path }); })} title="Remove from this list; the folder stays">
                    Forget
                  </button>
                  <button
                    className="danger"
                    disabled={!!r.problem}
                    onClick={() => {
                      if (!window.confirm(`Move ${r.path} to the trash?`)) return;
                      void act(async () => {
                        await api.projects.remove({ dir: r.path });
                        if (project?.path === r.path) setState({ project: undefined });
                      });
                    }}
                  >
                    Move to trash
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {project ? <ProjectPanel /> : null}
    </section>
  );
}
