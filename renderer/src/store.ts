/**
 * The renderer's small store: the open project, the job list (pushed by main), the compute
 * status, and the route. Components read it with useStore(selector).
 */
import { useSyncExternalStore } from 'react';
import type { ComputeStatus, JobSnapshot, ProjectDetail } from '../../main/ipc/contract';
import { api, errorText } from './api';

export interface State {
  project?: ProjectDetail;
  jobs: JobSnapshot[];
  compute?: ComputeStatus;
  notice?: { kind: 'error' | 'info'; text: string };
}

let state: State = { jobs: [] };
const listeners = new Set<() => void>();

export function setState(change: Partial<State>): void {
  state = { ...state, ...change };
  for (const l of listeners) l();
}

export function useStore<T>(select: (s: State) => T): T {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => select(state),
  );
}

export async function openProject(dir: string, how: 'open' | 'import' = 'open'): Promise<void> {
  try {
    const project = how === 'open' ? await api.projects.open({ dir }) : await api.projects.import({ dir });
    setState({ project, notice: undefined });
  } catch (error) {
    setState({ notice: { kind: 'error', text: errorText(error) } });
    throw error;
  }
}

export async function refreshProject(): Promise<void> {
  const current = state.project;
  if (!current) return;
  try {
    setState({ project: await api.projects.status({ dir: current.path }) });
  } catch (error) {
    setState({ notice: { kind: 'error', text: errorText(error) } });
  }
}

export function startStore(): void {
  api.on('jobs', (jobs) => {
    const before = state.jobs;
    setState({ jobs });
    // When a sample of the open project finishes, re-read the project from disk.
    const open = state.project?.path;
    const progressed = jobs.some((j) => j.project === open && before.find((b) => b.id === j.id)?.done !== j.done || (j.project === open && before.find((b) => b.id === j.id)?.state !== j.state));
    if (progressed) void refreshProject();
  });
  api.on('compute', (compute) => setState({ compute }));
  void api.jobs.list().then((jobs) => setState({ jobs }));
  void api.compute.status().then((compute) => setState({ compute }));
}
