import { useEffect, useState } from 'react';
import type { ModeExportFile, ProjectDetail } from '../../../main/ipc/contract';
import { api, errorText } from '../api';
import { textToBase64 } from '../export/base64';
import { SampleSelect, samplesWithSpectrum, useSampleChoice } from './SampleSelect';

/**
 * Export → "Modes for OVITO and ASE": `glassmodes export-modes` from the app (results.exportModes,
 * the same engine function): stored modes as extended XYZ, one frame per mode with per-particle
 * displacement, strain invariants, vorticity, local energy, pressure and shear stress, or one mode
 * animated as a multi-frame file. docs/PROJECT_FORMAT.md "Exported modes".
 */
export function ModeFileExport({ project }: { project: ProjectDetail }) {
  const dir = project.path;
  const samples = samplesWithSpectrum(project);
  const d = project.project.settings.model.dim;
  const [sampleId, setSampleId] = useSampleChoice(samples.map((s) => s.id));
  const [modes, setModes] = useState(`${d}-${d + 9}`);
  const [animate, setAnimate] = useState(false);
  const [frames, setFrames] = useState(24);
  const [amplitude, setAmplitude] = useState(0.3);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string>();
  const [outcome, setOutcome] = useState<{ path: string; file: Omit<ModeExportFile, 'text'> } | { error: string } | 'not-saved'>();

  useEffect(
    () =>
      api.on('analysis', (event) => {
        if (busy && event.dir === dir && event.sampleId === sampleId) setProgress(`${Math.round(100 * event.fraction)} % · ${event.message}`);
      }),
    [busy, dir, sampleId],
  );

  if (samples.length === 0) {
    return (
      <fieldset aria-label="Modes for OVITO and ASE">
        <legend>Modes for OVITO and ASE</legend>
        <p className="muted">No sample of this project has a spectrum yet: run it first.</p>
      </fieldset>
    );
  }

  async function exportFile() {
    if (!sampleId) return;
    setBusy(true);
    setOutcome(undefined);
    setProgress(undefined);
    try {
      const file = await api.results.exportModes({ dir, sampleId, modes, ...(animate ? { animate: true, frames, amplitude } : {}) });
      const saved = await api.export.save({ name: file.name, kind: 'extxyz', base64: textToBase64(file.text) });
      const { text: _text, ...summary } = file;
      setOutcome(saved ? { path: saved.path, file: summary } : 'not-saved');
    } catch (e) {
      setOutcome({ error: errorText(e) });
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  }

  return (
    <fieldset aria-label="Modes for OVITO and ASE">
      <legend>Modes for OVITO and ASE</legend>
      <p className="muted">
        Extended XYZ that OVITO and <code>ase.io.read(…, ':')</code> open: one frame per mode with the displacement e<sub>i</sub>, |e<sub>i</sub>|, the strain invariants tr ε and ‖dev ε‖, the
        vorticity η and |η|, local energy, pressure and shear stress per particle; ω, λ, PR and the rotational fraction on each frame’s comment line. The same file as{' '}
        <code>glassmodes export-modes</code>.
      </p>
      <div className="form-grid">
        <label className="field">
          Sample
          <SampleSelect label="Sample for the mode file" ids={samples.map((s) => s.id)} value={sampleId} disabled={busy} onChange={setSampleId} />
        </label>
        <label className="field">
          Modes
          <input aria-label="Modes to export" value={modes} disabled={busy} onChange={(e) => setModes(e.target.value)} />
          <span className="hint">indices or ranges, 0-based with the {d} zero modes first (e.g. {d}-{d + 9}); one mode for an animation</span>
        </label>
        <label className="field">
          <span>
            <input type="checkbox" aria-label="Animate one mode" checked={animate} disabled={busy} onChange={(e) => setAnimate(e.target.checked)} /> animate one mode (multi-frame file)
          </span>
          {animate ? (
            <span className="row">
              <input aria-label="Frames" type="number" min={2} max={10000} value={frames} disabled={busy} onChange={(e) => setFrames(e.target.valueAsNumber)} style={{ width: 80 }} /> frames per period, largest excursion
              <input aria-label="Amplitude" type="number" min={0.001} step={0.05} value={amplitude} disabled={busy} onChange={(e) => setAmplitude(e.target.valueAsNumber)} style={{ width: 80 }} />
            </span>
          ) : null}
        </label>
      </div>
      <div className="row" style={{ marginTop: 8 }}>
        <button className="primary" disabled={busy || !modes.trim()} onClick={() => void exportFile()}>
          {busy ? 'Exporting…' : 'Save extended XYZ…'}
        </button>
        {progress ? <span className="muted">{progress}</span> : null}
      </div>
      {outcome === 'not-saved' ? <div className="muted">not saved</div> : null}
      {outcome && outcome !== 'not-saved' && 'error' in outcome ? (
        <div className="error" role="alert">
          {outcome.error}
        </div>
      ) : null}
      {outcome && outcome !== 'not-saved' && 'path' in outcome ? (
        <div className="muted" aria-label="Mode file saved" data-path={outcome.path}>
          saved {outcome.file.frames} frame(s) to <code>{outcome.path}</code>
          <ul>
            {outcome.file.modes.map((m) => (
              <li key={m.index}>
                mode {m.index}: ω = {m.omega === null ? '—' : m.omega.toPrecision(6)}, PR = {m.participationRatio.toFixed(4)}
                {m.rotationalFraction === null ? '' : `, rotational fraction ${m.rotationalFraction.toFixed(3)}`}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </fieldset>
  );
}
