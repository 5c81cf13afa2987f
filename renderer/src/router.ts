/** Hash routes, one per view of docs/DESIGN.md: #/projects, #/setup, #/jobs, … (file:// friendly). */
import { useSyncExternalStore } from 'react';

export const views = [
  { id: 'projects', title: 'Projects' },
  { id: 'setup', title: 'Run setup' },
  { id: 'jobs', title: 'Jobs' },
  { id: 'configuration', title: 'Configuration' },
  { id: 'modes', title: 'Modes' },
  { id: 'spectra', title: 'Spectra' },
  { id: 'theory', title: 'Theory' },
  { id: 'export', title: 'Export' },
] as const;
export type ViewId = (typeof views)[number]['id'];

export interface Route {
  view: ViewId;
  params: URLSearchParams;
}

function parse(hash: string): Route {
  const [path, query] = hash.replace(/^#\/?/, '').split('?');
  const view = (views.find((v) => v.id === path)?.id ?? 'projects') as ViewId;
  return { view, params: new URLSearchParams(query ?? '') };
}

export function navigate(to: string): void {
  window.location.hash = `#/${to}`;
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(
    (l) => {
      window.addEventListener('hashchange', l);
      return () => window.removeEventListener('hashchange', l);
    },
    () => window.location.hash,
  );
  return parse(hash);
}
