import { useState } from 'react';
import { api, errorText } from '../api';
import { setState } from '../store';

/**
 * Projects → "Import configurations…": `glassmodes import` from the app (projects.importGlass, the
 * same engine function): configurations made elsewhere (extended XYZ from ASE/OVITO, LAMMPS data
 * and dump files) become the samples of a new project, with the potential declared here.
 * docs/PROJECT_FORMAT.md "Imported projects".
 */
export function ImportGlassPanel({ onDone }: { onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [dir, setDir] = useState('');
  const [files, setFiles] = useState('');
  const [format, setFormat] = useState<'' | 'extxyz' | 'lammps-data' | 'lammps-dump'>('');
  const [dim, setDim] = useState<'' | '2' | '3'>('');
  const [diametersFrom, setDiametersFrom] = useState('');
  const [mode, setMode] = useState<'as-is' | 'quench'>('as-is');
  const [potential, setPotential] = useState<'ipl' | 'lj'>('ipl');
  const [taper, setTaper] = useState('2');
  const [cutoff, setCutoff] = useState('');
  const [tolerance, setTolerance] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  if (!open) {
    return (
      <button onClick={() => setOpen(true)} title="A project from configurations made with LAMMPS, ASE, OVITO or other codes">
        Import configurations…
      </button>
    );
  }

  const list = files.split('\n').map((f) => f.trim()).filter(Boolean);

  async function browseFiles() {
    const picked = await api.projects.chooseFiles({ purpose: 'import' });
    if (picked) setFiles(picked.join('\n'));
  }
  async function browseFolder() {
    const picked = await api.projects.chooseFolder({ purpose: 'new' });
    if (picked) setDir(picked);
  }
  async function submit() {
    setBusy(true);
    setError(undefined);
    try {
      const model: Record<string, unknown> = { potential, taper: taper.trim() === 'inf' ? 'inf' : Number(taper) };
      if (cutoff.trim()) model.cutoff = Number(cutoff);
      const quench: Record<string, unknown> = {};
      if (tolerance.trim()) quench.forceTolerance = Number(tolerance);
      const detail = await api.projects.importGlass({
        dir: dir.trim(),
        files: list,
        settings: { model, quench },
        mode,
        ...(format ? { format } : {}),
        ...(dim ? { dim: Number(dim) as 2 | 3 } : {}),
        ...(diametersFrom.trim() ? { diametersFrom: diametersFrom.trim() } : {}),
      });
      setState({ project: detail, notice: { kind: 'info', text: `Imported ${detail.samples.length} configuration(s) into ${detail.path}${mode === 'as-is' ? '; run it for the spectrum' : '; run it to quench and take the spectrum'}` } });
      setOpen(false);
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <fieldset aria-label="Import configurations" style={{ marginTop: 8 }}>
      <legend>Import configurations</legend>
      <p className="muted">
        Each file, and each frame of a multi-frame file, becomes one sample. The box must be cubic (square in 2D) and periodic. No units are converted: lengths in the file’s unit, as the
        potential’s diameters and r<sub>c</sub>. Bad files are refused with the file and line; nothing is written.
      </p>
      {error ? (
        <div className="notice error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="form-grid">
        <label className="field">
          Configuration files (one per line)
          <textarea aria-label="Configuration files" rows={3} value={files} onChange={(e) => setFiles(e.target.value)} placeholder="/path/glass.extxyz" style={{ minWidth: 320 }} />
          <button type="button" onClick={() => void browseFiles()}>
            Browse…
          </button>
        </label>
        <label className="field">
          New project folder
          <input aria-label="New project folder" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/path/to/new-project" />
          <button type="button" onClick={() => void browseFolder()}>
            Browse…
          </button>
        </label>
        <label className="field">
          Format
          <select aria-label="Format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
            <option value="">from the file name</option>
            <option value="extxyz">extended XYZ (ASE, OVITO)</option>
            <option value="lammps-data">LAMMPS data (atomic, sphere)</option>
            <option value="lammps-dump">LAMMPS dump</option>
          </select>
        </label>
        <label className="field">
          Dimension
          <select aria-label="Dimension" value={dim} onChange={(e) => setDim(e.target.value as typeof dim)}>
            <option value="">from the file (LAMMPS: 3)</option>
            <option value="3">3</option>
            <option value="2">2</option>
          </select>
        </label>
        <label className="field">
          Diameters from
          <input aria-label="Diameters from" value={diametersFrom} onChange={(e) => setDiametersFrom(e.target.value)} placeholder="diameter, or 1:1.0,2:1.4" />
          <span className="hint">a per-atom property (radius is doubled), or a type map; empty: the file’s diameter (or radius)</span>
        </label>
        <label className="field">
          Potential
          <select aria-label="Potential" value={potential} onChange={(e) => setPotential(e.target.value as 'ipl' | 'lj')}>
            <option value="ipl">IPL (inverse power law)</option>
            <option value="lj">tapered Lennard-Jones</option>
          </select>
        </label>
        <label className="field">
          Taper m
          <input aria-label="Taper" value={taper} onChange={(e) => setTaper(e.target.value)} />
          <span className="hint">an integer ≥ 2, or inf</span>
        </label>
        <label className="field">
          Cutoff r<sub>c</sub>
          <input aria-label="Cutoff" value={cutoff} onChange={(e) => setCutoff(e.target.value)} placeholder="1.955" />
        </label>
        <label className="field">
          Force tolerance
          <input aria-label="Force tolerance" value={tolerance} onChange={(e) => setTolerance(e.target.value)} placeholder="1e-10" />
          <span className="hint">max|f| that makes a configuration a minimum</span>
        </label>
        <fieldset className="field" aria-label="Take the configurations">
          <label>
            <input type="radio" name="import-mode" checked={mode === 'as-is'} onChange={() => setMode('as-is')} /> as they are (refused unless max|f| ≤ tolerance)
          </label>
          <label>
            <input type="radio" name="import-mode" checked={mode === 'quench'} onChange={() => setMode('quench')} /> quench them first (recorded)
          </label>
        </fieldset>
      </div>
      <div className="row" style={{ marginTop: 8 }}>
        <button className="primary" disabled={busy || list.length === 0 || !dir.trim()} onClick={() => void submit()}>
          {busy ? 'Importing…' : 'Import'}
        </button>
        <button disabled={busy} onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
