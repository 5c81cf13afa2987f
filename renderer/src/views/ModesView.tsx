import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ModeData, SampleSpectrum } from '../../../main/ipc/contract';
import { api, errorText } from '../api';
import { navigate } from '../router';
import { useStore } from '../store';
import { ColourBar } from '../three/ColourBar';
import { formatValue } from '../three/format';
import { excursionAmplitude } from '../../../engine/analysis/modeGeometry';
import { createModeScene, type ModeScene, type ModeSceneOptions, type ParticleColouring } from '../three/modeScene';
import { SubsampleNote } from '../three/SubsampleNote';
import type { DrawnParticles } from '../three/subsample';
import { createOrbitControls, linkCameras } from '../three/orbit';
import { axisNames, type Axis } from '../three/vorticitySlice';
import '../three/views.css';
import { composePanels, modeMovieName, modePanelLabel } from '../export/modeMovie';
import { bytesToBase64 } from '../export/base64';
import { firstNonZeroStoredMode } from '../storedModes';
import { useModeData, useSampleSpectrum } from '../projectData';
import { samplesWithSpectrum } from './SampleSelect';
import { useLoaded } from '../loaded';
import type { LocalisationContrast } from '../../../engine/analysis/modeIndicators';
import { contrastLabel, IndicatorNote, modeContrasts, referenceModes, ROTATIONAL_FRACTION_CAVEAT } from './modeIndicator';

/**
 * The Modes view: one stored mode of a sample (or two side by side, with linked cameras) animated as
 * r_i + A·sin(2πft)·e_i, with arrows along e_i, the per-particle vorticity η and the coarse-grained
 * vorticity field. URL: #/modes?sample=s0000&mode=5[&compare=12]; `mode` indexes the ascending
 * eigenvalue list, zero modes first. Every number shown comes from the engine (results.spectrum,
 * results.mode); the scene is three/modeScene.ts, the same module a movie exporter renders offscreen.
 */

interface SliceChoice {
  visible: boolean;
  axis: Axis;
  layer: number;
}

interface Playback {
  playing: boolean;
  /** Periods per second of the first mode on screen. */
  speed: number;
  /** Run the second mode at speed × ω₂/ω₁, so the two keep their true frequency ratio. */
  trueRatio: boolean;
}

/** A viewport the view animates: its scene, its camera controls, and whether it needs a new frame. */
interface ViewportHandle {
  scene: ModeScene;
  controls: ReturnType<typeof createOrbitControls>;
  omega: number | null;
  phase: number;
  dirty: boolean;
}

function ModeViewport({ mode, options, slice, onHandle, label }: { mode: ModeData; options: ModeSceneOptions; slice: SliceChoice; onHandle: (handle: ViewportHandle | undefined) => void; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const handleRef = useRef<ViewportHandle>(undefined);
  const latest = useRef({ options, slice });
  latest.current = { options, slice };
  const [legends, setLegends] = useState<ReturnType<ModeScene['legends']>>();
  const [drawn, setDrawn] = useState<{ particles: DrawnParticles; instances: number }>();

  useEffect(() => {
    const element = host.current!;
    const canvas = canvasRef.current!;
    const scene = createModeScene(canvas, mode, latest.current.options, { width: Math.max(1, element.clientWidth), height: Math.max(1, element.clientHeight) });
    scene.resize(Math.max(1, element.clientWidth), Math.max(1, element.clientHeight), window.devicePixelRatio);
    scene.setSlice(latest.current.slice);
    const controls = createOrbitControls(scene.camera, canvas, mode.dim);
    const handle: ViewportHandle = { scene, controls, omega: mode.omega, phase: 0, dirty: true };
    controls.addEventListener('change', () => (handle.dirty = true));
    const resize = new ResizeObserver(() => {
      scene.resize(Math.max(1, element.clientWidth), Math.max(1, element.clientHeight), window.devicePixelRatio);
      handle.dirty = true;
    });
    resize.observe(element);
    handleRef.current = handle;
    setLegends(scene.legends());
    setDrawn({ particles: scene.drawn, instances: scene.instances });
    onHandle(handle);
    return () => {
      onHandle(undefined);
      handleRef.current = undefined;
      resize.disconnect();
      controls.dispose();
      scene.dispose();
      // The canvas goes with the viewport: give its WebGL context back now rather than at garbage collection.
      scene.renderer.forceContextLoss();
    };
  }, [mode, onHandle]);

  useEffect(() => {
    const handle = handleRef.current;
    if (!handle) return;
    handle.scene.setOptions(options);
    handle.scene.setSlice(slice);
    handle.dirty = true;
    setLegends(handle.scene.legends());
  }, [options.amplitude, options.showArrows, options.showVorticity, options.colourBy, slice.visible, slice.axis, slice.layer]);

  return (
    <div className="viewport" aria-label={label}>
      <div ref={host} className="viewer" data-mode={mode.index} data-particles={mode.diameters.length} data-instances={drawn?.instances ?? ''}>
        <canvas ref={canvasRef} />
        <SubsampleNote drawn={drawn?.particles} />
      </div>
      {legends ? (
        <div className="legends">
          <ColourBar name={`${label} particle colours`} label={legends.particles.label} map={legends.particles.map} min={legends.particles.min} max={legends.particles.max} />
          {legends.slice ? <ColourBar name={`${label} vorticity field`} label={legends.slice.label} map={legends.slice.map} min={legends.slice.min} max={legends.slice.max} /> : null}
        </div>
      ) : null}
    </div>
  );
}

export function ModeFacts({ mode, spectrum, amplitude, contrast }: { mode: ModeData; spectrum: SampleSpectrum; amplitude: number; contrast?: LocalisationContrast | null }) {
  const zero = spectrum.zeroModes.includes(mode.index);
  return (
    <dl className="facts" aria-label={`Mode ${mode.index}`} data-index={mode.index} data-omega={mode.omega ?? ''} data-eigenvalue={mode.eigenvalue} data-participation={mode.participation}>
      <dt>mode</dt>
      <dd>
        {mode.index}
        {zero ? ' (translational zero mode)' : ''}
      </dd>
      <dt>ω</dt>
      <dd className="mode-omega">{mode.omega === null ? 'imaginary (λ < 0: unstable)' : mode.omega.toPrecision(8)}</dd>
      <dt>λ = ω²</dt>
      <dd className="mode-eigenvalue">{mode.eigenvalue.toPrecision(8)}</dd>
      <dt>participation ratio</dt>
      <dd className="mode-participation">{mode.participation.toPrecision(6)}</dd>
      {contrast && !zero ? (
        <>
          <dt title="PR against the T* = ∞ modes within ±10 % of this ω (docs/REPRODUCTION.md)">PR vs T* = ∞ at this ω</dt>
          <dd className="mode-contrast" data-localised={String(contrast.localised)}>
            {contrastLabel(contrast)}
            {contrast.localised !== null ? ` (median PR there ${formatValue(contrast.referenceMedian, 3)})` : ''}
          </dd>
        </>
      ) : null}
      <dt title="Σ|η|² / (Σ|η|² + Σ|ε|²) of the neighbour-fitted gradients; 1/5 for random gradients">rotational fraction</dt>
      <dd className="mode-rotational">
        {zero ? '— (zero mode)' : formatValue(mode.rotationalFraction, 4)}
        {zero ? null : <span className="hint"> {ROTATIONAL_FRACTION_CAVEAT}: it does not separate T* = ∞ from stable-glass modes; compare PR at the same ω</span>}
      </dd>
      <dt>amplitude A</dt>
      <dd>{formatValue(amplitude, 4)}</dd>
    </dl>
  );
}

export function ModeList({ spectrum, current, compare, allowZero, onPick, onCompare, contrasts }: { spectrum: SampleSpectrum; current?: number; compare?: number; allowZero: boolean; onPick: (k: number) => void; onCompare: (k: number) => void; contrasts?: (LocalisationContrast | null)[] }) {
  const rows = Array.from({ length: spectrum.storedModes }, (_, k) => k);
  return (
    <div className="mode-list">
      <table aria-label="Mode list">
        <thead>
          <tr>
            <th>#</th>
            <th>ω</th>
            <th>PR</th>
            {contrasts ? <th title="PR against the T* = ∞ modes within ±10 % of this ω: the validated indicator (docs/REPRODUCTION.md)">vs T* = ∞</th> : null}
            <th title={`rotational fraction Σ|η|² / (Σ|η|² + Σ|ε|²): ${ROTATIONAL_FRACTION_CAVEAT}`}>rot. (not an indicator)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((k) => {
            const zero = spectrum.zeroModes.includes(k);
            const selectable = !zero || allowZero;
            const className = [selectable ? 'selectable' : '', zero ? 'zero' : '', k === current ? 'current' : '', k === compare ? 'compare' : ''].join(' ').trim();
            return (
              <tr key={k} className={className} data-mode={k} aria-disabled={!selectable} onClick={() => selectable && onPick(k)}>
                <td>{k}</td>
                <td>{zero ? 'zero mode' : formatValue(spectrum.frequencies[k], 5)}</td>
                <td>{formatValue(spectrum.participation[k], 3)}</td>
                {contrasts ? (
                  <td className="mode-contrast" data-localised={zero || !contrasts[k] ? undefined : String(contrasts[k]!.localised)}>
                    {zero || !contrasts[k] ? '' : contrastLabel(contrasts[k]!)}
                  </td>
                ) : null}
                <td className="mode-rotational">{zero ? '—' : formatValue(spectrum.rotationalFraction[k], 3)}</td>
                <td>
                  {selectable && k !== current ? (
                    <button
                      className="link"
                      title={`Compare with mode ${k}`}
                      aria-label={`Compare with mode ${k}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        onCompare(k);
                      }}
                    >
                      ⇆
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Why a mode index cannot be shown, or undefined when it can. */
function refusal(index: number, spectrum: SampleSpectrum, allowZero: boolean): string | undefined {
  const total = spectrum.eigenvalues.length;
  if (!Number.isInteger(index) || index < 0 || index >= total) return `Mode ${index} does not exist: this sample has dN = ${total} modes (indices 0–${total - 1}).`;
  if (index >= spectrum.storedModes) return `Mode ${index} has no eigenvector on disk: only the lowest ${spectrum.storedModes} modes are stored (modes.npy, the “Stored modes K” setting).`;
  if (spectrum.zeroModes.includes(index) && !allowZero) return `Mode ${index} is one of the ${spectrum.zeroModes.length} translational zero modes (a rigid shift of the box): tick “Show zero modes” to look at it anyway.`;
  return undefined;
}

export function ModesView({ params }: { params: URLSearchParams }) {
  const project = useStore((s) => s.project);
  const withSpectrum = samplesWithSpectrum(project);
  const sampleId = params.get('sample') ?? withSpectrum[0]?.id;
  const modeParam = params.get('mode');
  const compareParam = params.get('compare');

  const spectrum = useSampleSpectrum(project?.path, sampleId);
  const sampleSpectrum = spectrum?.value;
  // The T* = ∞ project the modes are compared with (?reference=<dir>, set by Spectra), if any.
  const referenceDir = params.get('reference');
  const referenceData = useLoaded(referenceDir ? `reference|${referenceDir}` : null, () => api.results.analysis({ dir: referenceDir! }), errorText);
  const referenceChoice = useMemo(() => (referenceData?.value && project ? referenceModes(referenceData.value, project.project.settings.model) : undefined), [referenceData?.value, project]);
  const reference = referenceChoice && 'reference' in referenceChoice ? referenceChoice.reference : null;
  const contrasts = useMemo(() => (sampleSpectrum && reference ? modeContrasts(sampleSpectrum, reference) : undefined), [sampleSpectrum, reference]);

  const [allowZero, setAllowZero] = useState(false);
  const [saved, setSaved] = useState<string>();

  /** The viewports as they are now, side by side with their labels, as a PNG through export.save. */
  async function savePicture(sample: string, modes: ModeData[]) {
    try {
      const canvases = modes.map((m) => document.querySelector<HTMLCanvasElement>(`.viewer[data-mode="${m.index}"] canvas`));
      if (canvases.some((c) => !c)) throw new Error('the views are not drawn yet');
      const target = document.createElement('canvas');
      target.width = canvases.reduce((w, c) => w + c!.width, 0);
      target.height = Math.max(...canvases.map((c) => c!.height));
      composePanels(target, canvases.map((c, k) => ({ image: c!, width: c!.width, label: modePanelLabel(modes[k]) })));
      const blob = await new Promise<Blob | null>((resolve) => target.toBlob(resolve, 'image/png'));
      if (!blob) throw new Error('the browser could not encode the PNG');
      const name = modeMovieName(sample, modes.map((m) => m.index), 'png');
      const result = await api.export.save({ name, kind: 'png', base64: bytesToBase64(new Uint8Array(await blob.arrayBuffer())) });
      setSaved(result ? `Saved ${result.path}` : 'Not saved');
    } catch (error) {
      setSaved(`Could not save the picture: ${errorText(error)}`);
    }
  }
  const [peak, setPeak] = useState(0.3);
  const [playback, setPlayback] = useState<Playback>({ playing: true, speed: 0.5, trueRatio: false });
  const [showArrows, setShowArrows] = useState(true);
  const [showVorticity, setShowVorticity] = useState(false);
  const [colourBy, setColourBy] = useState<ParticleColouring | 'auto'>('auto');
  const [slice, setSlice] = useState<SliceChoice>({ visible: true, axis: 2, layer: -1 });

  const firstNonZero = sampleSpectrum ? firstNonZeroStoredMode(sampleSpectrum) : undefined;
  const modeIndex = modeParam !== null && modeParam !== '' ? Number(modeParam) : firstNonZero;
  const compareIndex = compareParam !== null && compareParam !== '' ? Number(compareParam) : undefined;
  const modeRefusal = sampleSpectrum && modeIndex !== undefined ? refusal(modeIndex, sampleSpectrum, allowZero) : undefined;
  const compareRefusal = sampleSpectrum && compareIndex !== undefined ? refusal(compareIndex, sampleSpectrum, allowZero) : undefined;

  const first = useModeData(project?.path, sampleId, sampleSpectrum && !modeRefusal ? modeIndex : undefined);
  const second = useModeData(project?.path, sampleId, sampleSpectrum && !compareRefusal ? compareIndex : undefined);

  const go = (change: { sample?: string; mode?: number | null; compare?: number | null }) => {
    const next = new URLSearchParams();
    const sample = change.sample ?? sampleId;
    if (sample) next.set('sample', sample);
    const mode = change.mode === undefined ? modeIndex : change.mode;
    if (mode !== null && mode !== undefined && change.sample === undefined) next.set('mode', String(mode));
    const compare = change.compare === undefined ? compareIndex : change.compare;
    if (compare !== null && compare !== undefined && change.sample === undefined) next.set('compare', String(compare));
    if (referenceDir) next.set('reference', referenceDir);
    navigate(`modes?${next.toString()}`);
  };

  // Scene options per viewport: the same peak displacement 0.3·(slider) for both modes.
  const optionsFor = (mode: ModeData | undefined): ModeSceneOptions => ({
    amplitude: mode ? excursionAmplitude(mode.displacement, mode.dim, peak) : 0,
    showArrows,
    showVorticity,
    colourBy: colourBy === 'auto' ? undefined : colourBy,
  });
  const firstOptions = useMemo(() => optionsFor(first?.value), [first?.value, peak, showArrows, showVorticity, colourBy]);
  const secondOptions = useMemo(() => optionsFor(second?.value), [second?.value, peak, showArrows, showVorticity, colourBy]);
  const gridNodes = first?.value?.grid.nodes ?? 1;
  const sliceInForce: SliceChoice = { ...slice, layer: slice.layer < 0 || slice.layer >= gridNodes ? Math.floor(gridNodes / 2) : slice.layer };

  // One animation loop for this view's viewports; it stops with the view.
  const handles = useRef<(ViewportHandle | undefined)[]>([undefined, undefined]);
  const [linkVersion, setLinkVersion] = useState(0);
  const onFirst = useCallback((h: ViewportHandle | undefined) => {
    handles.current[0] = h;
    setLinkVersion((v) => v + 1);
  }, []);
  const onSecond = useCallback((h: ViewportHandle | undefined) => {
    handles.current[1] = h;
    setLinkVersion((v) => v + 1);
  }, []);
  const playbackRef = useRef(playback);
  playbackRef.current = playback;
  useEffect(() => {
    let frame = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const dt = Math.min(0.1, Math.max(0, (now - last) / 1000));
      last = now;
      const { playing, speed, trueRatio } = playbackRef.current;
      const viewports = handles.current;
      const a = viewports[0];
      // No allocation per frame: index loop over the (two) viewports.
      for (let k = 0; k < viewports.length; k++) {
        const h = viewports[k];
        if (!h) continue;
        if (playing) {
          const ratio = trueRatio && k > 0 && a?.omega && h.omega ? h.omega / a.omega : 1;
          h.phase = (h.phase + dt * speed * ratio) % 1;
        }
        if (playing || h.dirty) {
          h.scene.renderFrame(h.phase);
          h.dirty = false;
        }
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, []);
  useEffect(() => {
    const [a, b] = handles.current;
    if (!a || !b) return;
    b.scene.camera.position.copy(a.scene.camera.position);
    b.scene.camera.quaternion.copy(a.scene.camera.quaternion);
    b.controls.target.copy(a.controls.target);
    b.controls.update();
    return linkCameras([
      { camera: a.scene.camera, controls: a.controls },
      { camera: b.scene.camera, controls: b.controls },
    ]);
  }, [linkVersion]);

  if (!project) return <Empty text="Open a project to look at its modes." />;
  if (withSpectrum.length === 0) {
    return (
      <section aria-labelledby="modes-title">
        <h1 id="modes-title">Modes</h1>
        <div className="placeholder" role="note" aria-label="Not available yet">
          <h2>No modes in this project yet</h2>
          <p>
            This view animates the stored modes of a sample with their vorticity field and rotational fraction (type-I vs type-II, docs/PHYSICS.md §5). No sample of <strong>{project.project.name}</strong> has a spectrum on disk: run it with “Compute the spectrum” on (modes.npy, eigenvalues.npy).
          </p>
        </div>
      </section>
    );
  }

  const dim = sampleSpectrum?.dim ?? 3;
  const firstMode = first?.value;
  const secondMode = compareIndex !== undefined && !compareRefusal ? second?.value : undefined;
  return (
    <section aria-labelledby="modes-title">
      <h1 id="modes-title">Modes</h1>
      <div className="row" style={{ marginBottom: 8 }}>
        <select aria-label="Sample" value={sampleId} onChange={(e) => go({ sample: e.target.value })}>
          {withSpectrum.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id}
            </option>
          ))}
        </select>
        <label className="row">
          Mode
          <input type="number" aria-label="Mode index" min={0} step={1} value={modeIndex ?? ''} style={{ width: 80 }} onChange={(e) => e.target.value !== '' && go({ mode: Number(e.target.value) })} />
        </label>
        <label className="row">
          Compare with
          <input type="number" aria-label="Compare with mode" min={0} step={1} value={compareIndex ?? ''} placeholder="—" style={{ width: 80 }} onChange={(e) => go({ compare: e.target.value === '' ? null : Number(e.target.value) })} />
        </label>
        {compareIndex !== undefined ? <button onClick={() => go({ compare: null })}>Single view</button> : null}
        {firstMode && sampleId ? (
          <>
            <button onClick={() => void savePicture(sampleId, secondMode ? [firstMode, secondMode] : [firstMode])}>Save picture (PNG)</button>
            <a className="button" href={`#/export?${new URLSearchParams({ sample: sampleId, mode: String(firstMode.index), ...(secondMode ? { compare: String(secondMode.index) } : {}) })}`}>
              Movie of {secondMode ? 'these modes' : 'this mode'}…
            </a>
          </>
        ) : null}
        {saved ? (
          <span className="muted" role="status">
            {saved}
          </span>
        ) : null}
        {sampleSpectrum ? (
          <span className="muted">
            d = {sampleSpectrum.dim}, N = {sampleSpectrum.particles}, {sampleSpectrum.storedModes} stored modes of {sampleSpectrum.eigenvalues.length}, ω₀ = {formatValue(sampleSpectrum.omega0, 4)}
          </span>
        ) : null}
      </div>
      {spectrum?.error ? <div className="notice error">{spectrum.error}</div> : null}
      {!sampleSpectrum ? (
        spectrum?.error ? null : <p className="muted">Loading the spectrum…</p>
      ) : (
        <div className="lab">
          <div className="lab-controls">
            <ModeList spectrum={sampleSpectrum} current={modeIndex} compare={compareIndex} allowZero={allowZero} onPick={(k) => go({ mode: k })} onCompare={(k) => go({ compare: k })} contrasts={contrasts} />
            <IndicatorNote reference={reference} />
            {referenceData?.error ? <p className="figure-error">Reference {referenceDir}: {referenceData.error}</p> : null}
            {referenceChoice && 'reason' in referenceChoice ? <p className="figure-error">No reference: {referenceChoice.reason}</p> : null}
            {referenceData && referenceData.value === null ? <p className="figure-error">Reference {referenceDir} has not been analysed.</p> : null}
            <label className="check">
              <input type="checkbox" aria-label="Show zero modes" checked={allowZero} onChange={(e) => setAllowZero(e.target.checked)} /> Show zero modes
            </label>
            <fieldset>
              <legend>Animation</legend>
              <div className="row">
                <button aria-label={playback.playing ? 'Pause' : 'Play'} onClick={() => setPlayback((p) => ({ ...p, playing: !p.playing }))}>
                  {playback.playing ? 'Pause' : 'Play'}
                </button>
              </div>
              <label>
                Largest displacement <span className="value">{peak.toFixed(2)} mean diameters</span>
                <input type="range" aria-label="Amplitude" min={0} max={1.5} step={0.01} value={peak} onChange={(e) => setPeak(Number(e.target.value))} />
              </label>
              <label>
                Speed <span className="value">{playback.speed.toFixed(2)} periods/s</span>
                <input type="range" aria-label="Speed" min={0.05} max={3} step={0.05} value={playback.speed} onChange={(e) => setPlayback((p) => ({ ...p, speed: Number(e.target.value) }))} />
              </label>
              {compareIndex !== undefined ? (
                <label className="check">
                  <input type="checkbox" checked={playback.trueRatio} onChange={(e) => setPlayback((p) => ({ ...p, trueRatio: e.target.checked }))} /> Second mode at its true frequency ratio
                </label>
              ) : null}
            </fieldset>
            <fieldset>
              <legend>Glyphs and colours</legend>
              <label className="check">
                <input type="checkbox" aria-label="Arrows along e_i" checked={showArrows} onChange={(e) => setShowArrows(e.target.checked)} /> Arrows along e_i
              </label>
              <label className="check">
                <input type="checkbox" aria-label="Vorticity" checked={showVorticity} onChange={(e) => setShowVorticity(e.target.checked)} /> Vorticity η {dim === 3 ? '(arrows and a field slice)' : '(disk colours and field)'}
              </label>
              <label>
                Colour particles by
                <select aria-label="Colour particles by" value={colourBy} onChange={(e) => setColourBy(e.target.value as ParticleColouring | 'auto')}>
                  <option value="auto" title={dim === 2 ? 'η while the vorticity is shown, else the diameter' : 'the diameter'}>
                    automatic
                  </option>
                  <option value="diameter">diameter</option>
                  <option value="amplitude">amplitude |e_i|</option>
                  <option value="vorticity">{dim === 2 ? 'vorticity η' : 'vorticity |η|'}</option>
                </select>
              </label>
              {showVorticity ? (
                <>
                  <label className="check">
                    <input type="checkbox" aria-label="Vorticity field" checked={slice.visible} onChange={(e) => setSlice((s) => ({ ...s, visible: e.target.checked }))} /> Coarse-grained field {dim === 3 ? 'on a slice' : 'under the disks'}
                  </label>
                  {dim === 3 && slice.visible ? (
                    <>
                      <label>
                        Slice normal to
                        <select aria-label="Slice axis" value={sliceInForce.axis} onChange={(e) => setSlice((s) => ({ ...s, axis: Number(e.target.value) as Axis }))}>
                          {axisNames.map((name, k) => (
                            <option key={name} value={k}>
                              {name}
                            </option>
                          ))}
                        </select>
                      </label>
                      <label>
                        Slice height <span className="value">node layer {sliceInForce.layer + 1} of {gridNodes}</span>
                        <input type="range" aria-label="Slice height" min={0} max={Math.max(0, gridNodes - 1)} step={1} value={sliceInForce.layer} onChange={(e) => setSlice((s) => ({ ...s, layer: Number(e.target.value) }))} />
                      </label>
                    </>
                  ) : null}
                </>
              ) : null}
              <p className="glyph-key">
                {showArrows ? (
                  <>
                    <span className="swatch displacement" />e_i (longest arrow = max |e_i|)
                  </>
                ) : null}
                {showVorticity && dim === 3 ? (
                  <>
                    <span className="swatch vorticity" />η_i (longest arrow = max |η_i|)
                  </>
                ) : null}
              </p>
            </fieldset>
          </div>
          <div className="lab-stage">
            {modeRefusal ? <div className="notice info" role="status">{modeRefusal}</div> : null}
            {compareRefusal ? <div className="notice info" role="status">Comparison: {compareRefusal}</div> : null}
            {first?.error ? <div className="notice error">Mode {modeIndex}: {first.error}</div> : null}
            {second?.error && compareIndex !== undefined ? <div className="notice error">Mode {compareIndex}: {second.error}</div> : null}
            <div className={`viewports${compareIndex !== undefined && !compareRefusal ? ' two' : ''}`}>
              {firstMode ? (
                <div>
                  <ModeFacts mode={firstMode} spectrum={sampleSpectrum} amplitude={firstOptions.amplitude} contrast={contrasts?.[firstMode.index]} />
                  <ModeViewport key={`${sampleId}:${firstMode.index}`} mode={firstMode} options={firstOptions} slice={sliceInForce} onHandle={onFirst} label="First mode" />
                </div>
              ) : !modeRefusal && !first?.error ? (
                <p className="muted">Loading mode {modeIndex}…</p>
              ) : null}
              {secondMode ? (
                <div>
                  <ModeFacts mode={secondMode} spectrum={sampleSpectrum} amplitude={secondOptions.amplitude} contrast={contrasts?.[secondMode.index]} />
                  <ModeViewport key={`${sampleId}:${secondMode.index}`} mode={secondMode} options={secondOptions} slice={sliceInForce} onHandle={onSecond} label="Second mode" />
                </div>
              ) : compareIndex !== undefined && !compareRefusal && !second?.error ? (
                <p className="muted">Loading mode {compareIndex}…</p>
              ) : null}
            </div>
            <p className="muted">
              {dim === 3 ? 'Drag to turn, wheel to zoom, right-drag to pan' : 'Drag to pan, wheel to zoom'}
              {secondMode ? '; the two views move together' : ''}. Positions r_i + A·sin(2πft)·e_i; the wire frame is the periodic box.
            </p>
          </div>
        </div>
      )}
    </section>
  );
}

function Empty({ text }: { text: string }) {
  return (
    <section>
      <h1>Modes</h1>
      <p className="muted">{text}</p>
    </section>
  );
}
