import { useState } from 'react';
import type { ProjectDetail } from '../../../main/ipc/contract';

/** The samples of a project whose spectrum is on disk (the ones with modes to show or export). */
export function samplesWithSpectrum(project: ProjectDetail | undefined): ProjectDetail['samples'] {
  return project?.samples.filter((s) => s.state === 'done' && s.meta?.spectrum) ?? [];
}

/**
 * Which of `ids` is chosen: the user's pick, else `requested` (a link such as #/export?sample=s0001)
 * when it is one of them, else the first. A new `requested` (another link) overrides an earlier pick;
 * a pick no longer among `ids` falls back the same way.
 */
export function useSampleChoice(ids: string[], requested?: string | null): [string | undefined, (id: string) => void] {
  const [pick, setPick] = useState<{ id: string; requested: string | null | undefined }>();
  const among = (id: string | null | undefined): id is string => typeof id === 'string' && ids.includes(id);
  const chosen = pick && pick.requested === requested && among(pick.id) ? pick.id : among(requested) ? requested : ids[0];
  return [chosen, (id) => setPick({ id, requested })];
}

/** The one sample menu of the export panels: one option per sample id. */
export function SampleSelect({ label, ids, value, disabled, onChange }: { label: string; ids: string[]; value: string | undefined; disabled?: boolean; onChange: (id: string) => void }) {
  return (
    <select aria-label={label} value={value ?? ''} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {ids.map((id) => (
        <option key={id} value={id}>
          {id}
        </option>
      ))}
    </select>
  );
}
