import { lazy, Suspense, useEffect } from 'react';
import { api } from './api';
import { navigate, useRoute, views, type ViewId } from './router';
import { useStore, setState } from './store';
import { ProjectsView } from './views/ProjectsView';
import { RunSetupView } from './views/RunSetupView';
import { JobsView } from './views/JobsView';

// The views that carry three.js, recharts or the movie encoders load when first opened, so the
// app starts on the small Projects/Run setup/Jobs bundle.
const ConfigurationView = lazy(() => import('./views/ConfigurationView').then((m) => ({ default: m.ConfigurationView })));
const ModesView = lazy(() => import('./views/ModesView').then((m) => ({ default: m.ModesView })));
const SpectraView = lazy(() => import('./views/SpectraView').then((m) => ({ default: m.SpectraView })));
const TheoryView = lazy(() => import('./views/TheoryView').then((m) => ({ default: m.TheoryView })));
const ExportView = lazy(() => import('./views/ExportView').then((m) => ({ default: m.ExportView })));

function View({ id, params }: { id: ViewId; params: URLSearchParams }) {
  switch (id) {
    case 'projects':
      return <ProjectsView params={params} />;
    case 'setup':
      return <RunSetupView />;
    case 'jobs':
      return <JobsView />;
    case 'configuration':
      return <ConfigurationView params={params} />;
    case 'modes':
      return <ModesView params={params} />;
    case 'spectra':
      return <SpectraView params={params} />;
    case 'theory':
      return <TheoryView params={params} />;
    case 'export':
      return <ExportView params={params} />;
  }
}

export function App() {
  const route = useRoute();
  const project = useStore((s) => s.project);
  const notice = useStore((s) => s.notice);
  const jobs = useStore((s) => s.jobs);
  const compute = useStore((s) => s.compute);
  const running = jobs.filter((j) => j.state === 'running').length;

  useEffect(() => api.on('navigate', (to) => navigate(to)), []);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Views">
        <div className="brand">glassmodes</div>
        {views.map((v) => (
          <a key={v.id} href={`#/${v.id}`} className={route.view === v.id ? 'active' : ''} aria-current={route.view === v.id ? 'page' : undefined}>
            {v.title}
            {v.id === 'jobs' && running > 0 ? <span className="badge">{running}</span> : null}
          </a>
        ))}
        <div className="sidebar-foot">
          <div>{project ? <span title={project.path}>Project: {project.project.name}</span> : 'No project open'}</div>
          <div className="muted">GPU backend: {compute?.lastBackend ?? (compute?.available === false ? 'no compute host' : 'not yet used')}</div>
        </div>
      </nav>
      <main className="content">
        {notice ? (
          <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
            {notice.text}
            <button className="link" onClick={() => setState({ notice: undefined })} aria-label="Dismiss">
              ×
            </button>
          </div>
        ) : null}
        <Suspense fallback={<p className="muted">Loading the view…</p>}>
          <View id={route.view} params={route.params} />
        </Suspense>
      </main>
    </div>
  );
}
