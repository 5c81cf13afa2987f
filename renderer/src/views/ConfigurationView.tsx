import { useEffect, useMemo, useRef, useState } from 'react';
import { wrapCoordinate } from '../../../engine/space/box';
import { firstNonZeroStoredMode } from '../storedModes';
import { useLoaded } from '../loaded';
import { useModeData, useSampleSpectrum } from '../projectData';
import type { ConfigurationData } from '../../../main/ipc/contract';
import { api, errorText } from '../api';
import { useStore } from '../store';
import { ColourBar } from '../three/ColourBar';
import { finiteRange, type ColourMapName } from '../three/colourMaps';
import { createConfigurationScene, type ConfigurationScene, type Slab } from '../three/configurationScene';
import { SubsampleNote } from '../three/SubsampleNote';
import type { DrawnParticles } from '../three/subsample';
import { formatValue } from '../three/format';
import { vectorMagnitudes } from '../../../engine/analysis/modeGeometry';
import { createOrbitControls } from '../three/orbit';
import { axisNames, type Axis } from '../three/vorticitySlice';
import '../three/views.css';

/**
 * One sample's inherent structure (or its parent at T*) drawn as particles of their diameters —
 * spheres in 3D, disks in 2D — coloured by a per-particle field, with a slab cut and picking.
 * The scene itself is three/configurationScene.ts; this view owns it and disposes of it.
 */

type ColourField = 'diameter' | 'energy' | 'pressure' | 'shearStress' | 'modeAmplitude';
const fieldLabels: Record<ColourField, string> = {
  diameter: 'diameter a_i',
  energy: 'local energy e_i',
  pressure: 'local pressure p_i',
  shearStress: 'local shear stress ‖dev σ_i‖',
  modeAmplitude: 'mode amplitude |e_i|',
};
/** Fields of the inherent structure only (the engine computes them at the quenched minimum). */
const inherentOnly: ColourField[] = ['energy', 'pressure', 'shearStress', 'modeAmplitude'];

interface Colouring {
  field: ColourField;
  label: string;
  values: ArrayLike<number | null>;
  map: ColourMapName;
  range: [number, number];
}

interface SlabChoice {
  axis: Axis | 'none';
  centre: number;
  thickness: number;
}

function Scene({ data, colouring, slab, picked, onPick }: { data: ConfigurationData; colouring: Colouring; slab: Slab | null; picked: number | undefined; onPick: (index: number | undefined) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const sceneRef = useRef<ConfigurationScene>(undefined);
  const requestRenderRef = useRef<() => void>(() => {});
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;
  const [drawn, setDrawn] = useState<{ particles: DrawnParticles; instances: number }>();

  useEffect(() => {
    const element = host.current!;
    const canvas = canvasRef.current!;
    const scene = createConfigurationScene(canvas, data, { width: Math.max(1, element.clientWidth), height: Math.max(1, element.clientHeight), pixelRatio: window.devicePixelRatio });
    sceneRef.current = scene;
    setDrawn({ particles: scene.drawn, instances: scene.instances });
    const controls = createOrbitControls(scene.camera, canvas, data.dim);
    // Drawn on demand: one frame per camera move, none while nothing changes.
    let pending = 0;
    const requestRender = () => {
      if (pending) return;
      pending = requestAnimationFrame(() => {
        pending = 0;
        scene.render();
      });
    };
    controls.addEventListener('change', requestRender);
    const resize = new ResizeObserver(() => {
      scene.resize(Math.max(1, element.clientWidth), Math.max(1, element.clientHeight), window.devicePixelRatio);
      requestRender();
    });
    resize.observe(element);

    // A click (not a drag of the camera) picks the particle under the pointer.
    let down: { x: number; y: number } | undefined;
    const onDown = (e: PointerEvent) => (down = { x: e.clientX, y: e.clientY });
    const onUp = (e: PointerEvent) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
      const rect = canvas.getBoundingClientRect();
      const index = scene.pick(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
      onPickRef.current(index);
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointerup', onUp);
    scene.render();
    requestRenderRef.current = requestRender;
    return () => {
      requestRenderRef.current = () => {};
      cancelAnimationFrame(pending);
      resize.disconnect();
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointerup', onUp);
      controls.dispose();
      scene.dispose();
      // The canvas goes with the view: give its WebGL context back now rather than at garbage collection.
      scene.renderer.forceContextLoss();
      sceneRef.current = undefined;
    };
  }, [data]);

  const render = () => requestRenderRef.current();

  useEffect(() => {
    sceneRef.current?.setColours(colouring.values, colouring.map, colouring.range);
    render();
  }, [data, colouring]);
  useEffect(() => {
    const scene = sceneRef.current;
    if (!scene) return;
    scene.setSlab(slab);
    // Above the drawing limit a slab is drawn from its own particles (subsample.ts slabSubsample).
    setDrawn({ particles: scene.drawn, instances: scene.instances });
    render();
  }, [data, slab?.axis, slab?.centre, slab?.thickness]);
  useEffect(() => {
    sceneRef.current?.highlight(picked);
    render();
  }, [data, picked]);

  return (
    <div ref={host} className="viewer" aria-label="Configuration view" data-particles={data.diameters.length} data-instances={drawn?.instances ?? ''}>
      <canvas ref={canvasRef} />
      <SubsampleNote drawn={drawn?.particles} />
    </div>
  );
}

export function ConfigurationView({ params }: { params: URLSearchParams }) {
  const project = useStore((s) => s.project);
  const withConfig = project?.samples.filter((s) => s.state === 'quenched' || s.state === 'done') ?? [];
  const withParent = project?.samples.filter((s) => s.state !== 'pending' && s.state !== 'sampling' && s.state !== 'failed') ?? [];
  const requested = params.get('sample');
  const requestedKind: 'config' | 'parent' = params.get('kind') === 'parent' ? 'parent' : 'config';
  const [choice, setChoice] = useState<{ id: string; kind: 'config' | 'parent' }>();
  const fallback = (requested && (requestedKind === 'config' ? withConfig : withParent).some((s) => s.id === requested) ? { id: requested, kind: requestedKind } : undefined) ?? (withConfig[0] ? { id: withConfig[0].id, kind: 'config' as const } : withParent[0] ? { id: withParent[0].id, kind: 'parent' as const } : undefined);
  const selected = choice ?? fallback;
  const dir = project?.path;
  // Everything below is loaded by useLoaded (renderer/src/loaded.ts) under keys that name the sample.
  const sampleKey = dir && selected ? `${dir}|${selected.id}|${selected.kind}` : null;
  const loaded = useLoaded(sampleKey, () => api.projects.configuration({ dir: dir!, sampleId: selected!.id, kind: selected!.kind }), errorText);
  const data = loaded?.value;
  const error = loaded?.error;

  const [field, setField] = useState<ColourField>('diameter');
  const [modeChoice, setModeIndex] = useState<number>();
  // The slab axis stays across samples; its position and thickness belong to the box they were set in.
  const [slabState, setSlabState] = useState<Partial<SlabChoice> & { axis: SlabChoice['axis']; data?: ConfigurationData }>({ axis: 'none' });
  const own = slabState.data === data;
  const slabChoice: SlabChoice = {
    axis: slabState.axis,
    centre: own && slabState.centre !== undefined ? slabState.centre : data ? data.side / 2 : 0,
    thickness: own && slabState.thickness !== undefined ? slabState.thickness : data ? Math.min(data.side, Math.max(1, data.side / 5)) : 2,
  };
  const setSlab = (change: Partial<SlabChoice>) => setSlabState({ ...slabChoice, ...change, data });
  // A picked particle belongs to the sample it was picked in.
  const [pick, setPick] = useState<{ key: string | null; index: number | undefined }>();
  const picked = pick?.key === sampleKey ? pick.index : undefined;
  const setPicked = (index: number | undefined) => setPick({ key: sampleKey, index });

  const isInherent = selected?.kind === 'config';
  const effectiveField: ColourField = isInherent || !inherentOnly.includes(field) ? field : 'diameter';

  // Per-particle fields of the inherent structure, asked for once per sample when first needed.
  const wantsFields = isInherent && (effectiveField === 'energy' || effectiveField === 'pressure' || effectiveField === 'shearStress');
  const fieldsLoaded = useLoaded(wantsFields && dir && selected ? `${dir}|${selected.id}` : null, () => api.results.particleFields({ dir: dir!, sampleId: selected!.id }), errorText);
  const fields = fieldsLoaded?.value;

  // For |e_i|: the spectrum lists the stored modes; the chosen mode's eigenvector gives the amplitudes.
  const wantsModes = isInherent && effectiveField === 'modeAmplitude';
  const spectrumLoaded = useSampleSpectrum(wantsModes ? dir : undefined, selected?.id);
  const spectrum = spectrumLoaded?.value;
  const modeIndex = spectrum ? (modeChoice !== undefined && modeChoice < spectrum.storedModes ? modeChoice : firstNonZeroStoredMode(spectrum)) : undefined;
  const modeLoaded = useModeData(wantsModes && data ? dir : undefined, selected?.id, modeIndex);
  const amplitudes = useMemo(() => (modeLoaded?.value ? vectorMagnitudes(modeLoaded.value.displacement, modeLoaded.value.dim) : undefined), [modeLoaded?.value]);
  const fieldError = fieldsLoaded?.error ? `Local fields: ${fieldsLoaded.error}` : spectrumLoaded?.error ? `Spectrum: ${spectrumLoaded.error}` : modeLoaded?.error ? `Mode ${modeIndex}: ${modeLoaded.error}` : undefined;

  const colouring = useMemo<Colouring | undefined>(() => {
    if (!data) return undefined;
    let values: ArrayLike<number | null> | undefined;
    if (effectiveField === 'diameter') values = data.diameters;
    else if (effectiveField === 'modeAmplitude') values = amplitudes;
    else values = fields?.[effectiveField];
    if (!values) return undefined;
    const label = effectiveField === 'modeAmplitude' ? `${fieldLabels.modeAmplitude} of mode ${modeIndex}` : fieldLabels[effectiveField];
    return { field: effectiveField, label, values, map: 'sequential', range: finiteRange(values) };
  }, [data, effectiveField, fields, amplitudes, modeIndex]);
  // Until a field arrives, the particles keep their diameter colours.
  const shown = useMemo<Colouring | undefined>(() => colouring ?? (data ? { field: 'diameter', label: fieldLabels.diameter, values: data.diameters, map: 'sequential', range: finiteRange(data.diameters) } : undefined), [colouring, data]);

  const slab: Slab | null = data && slabChoice.axis !== 'none' && slabChoice.axis < data.dim ? { axis: slabChoice.axis, centre: slabChoice.centre, thickness: slabChoice.thickness } : null;

  if (!project) return <Empty text="Open a project to see its configurations." />;
  if (withParent.length === 0) return <Empty text="No sample of this project has a configuration yet: run it first." />;
  const meta = project.samples.find((s) => s.id === selected?.id)?.meta;
  const loadingField = !colouring && !fieldError && effectiveField !== 'diameter';
  return (
    <section aria-labelledby="config-title">
      <h1 id="config-title">Configuration</h1>
      <div className="row" style={{ marginBottom: 8 }}>
        <select
          aria-label="Sample"
          value={selected ? `${selected.id}:${selected.kind}` : ''}
          onChange={(e) => {
            const [id, kind] = e.target.value.split(':');
            setChoice({ id, kind: kind as 'config' | 'parent' });
          }}
        >
          {withConfig.map((s) => (
            <option key={`${s.id}:config`} value={`${s.id}:config`}>
              {s.id} — inherent structure
            </option>
          ))}
          {withParent.map((s) => (
            <option key={`${s.id}:parent`} value={`${s.id}:parent`}>
              {s.id} — parent at T*
            </option>
          ))}
        </select>
        {data ? (
          <span className="muted">
            N = {data.diameters.length}, L = {data.side.toFixed(4)}, d = {data.dim}
            {meta?.energyPerParticle !== undefined && selected?.kind === 'config' ? `, E/N = ${meta.energyPerParticle.toPrecision(10)}` : ''}
          </span>
        ) : null}
      </div>
      {error ? (
        <div className="notice error">{error}</div>
      ) : !data || !shown ? (
        <p className="muted">Loading…</p>
      ) : (
        <div className="lab">
          <div className="lab-controls">
            <fieldset>
              <legend>Colour</legend>
              <label>
                Colour by
                <select aria-label="Colour by" value={effectiveField} onChange={(e) => setField(e.target.value as ColourField)}>
                  <option value="diameter">diameter</option>
                  <option value="energy" disabled={!isInherent}>local energy</option>
                  <option value="pressure" disabled={!isInherent}>local pressure</option>
                  <option value="shearStress" disabled={!isInherent}>local shear stress</option>
                  <option value="modeAmplitude" disabled={!isInherent}>mode amplitude |e_i|</option>
                </select>
              </label>
              {!isInherent ? <p className="muted">Local fields and modes belong to the inherent structure: choose it to colour by them.</p> : null}
              {effectiveField === 'modeAmplitude' && spectrum ? (
                <label>
                  Mode (index, zero modes first)
                  <select aria-label="Mode" value={modeIndex ?? ''} onChange={(e) => setModeIndex(Number(e.target.value))}>
                    {Array.from({ length: spectrum.storedModes }, (_, k) => k)
                      .filter((k) => !spectrum.zeroModes.includes(k))
                      .map((k) => (
                        <option key={k} value={k}>
                          {k}: ω = {formatValue(spectrum.frequencies[k], 5)}
                        </option>
                      ))}
                  </select>
                </label>
              ) : null}
              {fieldError ? <div className="notice error">{fieldError}</div> : loadingField ? <p className="muted">Loading {fieldLabels[effectiveField]}…</p> : null}
            </fieldset>
            <fieldset>
              <legend>Slab</legend>
              <label>
                Keep a slab along
                <select aria-label="Slab axis" value={String(slabChoice.axis)} onChange={(e) => setSlab({ axis: e.target.value === 'none' ? 'none' : (Number(e.target.value) as Axis) })}>
                  <option value="none">— whole box —</option>
                  {axisNames.slice(0, data.dim).map((name, k) => (
                    <option key={name} value={k}>
                      {name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Position <span className="value">{slabChoice.centre.toFixed(2)}</span>
                <input type="range" aria-label="Slab position" min={0} max={data.side} step={data.side / 200} value={slabChoice.centre} disabled={!slab} onChange={(e) => setSlab({ centre: Number(e.target.value) })} />
              </label>
              <label>
                Thickness <span className="value">{slabChoice.thickness.toFixed(2)}</span>
                <input type="range" aria-label="Slab thickness" min={0.2} max={data.side} step={data.side / 200} value={slabChoice.thickness} disabled={!slab} onChange={(e) => setSlab({ thickness: Number(e.target.value) })} />
              </label>
            </fieldset>
            <fieldset className="pick-panel" aria-label="Picked particle" data-index={picked ?? ''} data-diameter={picked !== undefined ? data.diameters[picked] : ''}>
              <legend>Picked particle</legend>
              {picked === undefined ? (
                <p className="muted">Click a particle (a drag turns the view).</p>
              ) : (
                <PickedParticle index={picked} data={data} colouring={shown} />
              )}
            </fieldset>
          </div>
          <div className="lab-stage">
            <Scene data={data} colouring={shown} slab={slab} picked={picked} onPick={setPicked} />
            <div className="legends">
              <ColourBar name="Colour bar" label={shown.label} map={shown.map} min={shown.range[0]} max={shown.range[1]} />
            </div>
            <p className="muted">{data.dim === 3 ? 'Drag to turn, wheel to zoom, right-drag to pan.' : 'Drag to pan, wheel to zoom.'} The wire frame is the periodic box.</p>
          </div>
        </div>
      )}
    </section>
  );
}

function PickedParticle({ index, data, colouring }: { index: number; data: ConfigurationData; colouring: Colouring }) {
  const position: number[] = [];
  for (let a = 0; a < data.dim; a++) {
    const x = data.positions[data.dim * index + a];
    position.push(wrapCoordinate(x, data.side));
  }
  const value = colouring.values[index];
  return (
    <dl className="facts">
      <dt>index</dt>
      <dd className="picked-index">{index}</dd>
      <dt>position</dt>
      <dd>({position.map((x) => x.toFixed(4)).join(', ')})</dd>
      <dt>diameter</dt>
      <dd className="picked-diameter">{data.diameters[index].toPrecision(6)}</dd>
      <dt>{colouring.label}</dt>
      <dd className="picked-value">{value === null ? 'not defined' : formatValue(value, 6)}</dd>
    </dl>
  );
}

function Empty({ text }: { text: string }) {
  return (
    <section>
      <h1>Configuration</h1>
      <p className="muted">{text}</p>
    </section>
  );
}
