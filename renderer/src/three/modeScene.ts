/**
 * One vibrational mode as a three.js scene, independent of React, so that the interactive Modes
 * view and an offscreen movie exporter draw the very same frames.
 *
 * Frame at phase φ ∈ [0, 1) of one period: particle i at r_i + A·sin(2πφ)·e_i, where e_i is the
 * mode's (unit) eigenvector at particle i from ModeData.displacement. The displacement happens in the
 * vertex shader (displacement.ts): a frame sets one uniform, whatever N is.
 *
 * Everything physical comes from ModeData as the engine computed it (engine/analysis/modeGeometry.ts
 * for η and the coarse-grained grid; participation and rotational fraction likewise): this module
 * only draws.
 *
 * Glyphs (one InstancedMesh, one draw call, per kind):
 * - particles: spheres (3D) or disks (2D) of their diameters, coloured by `colourBy`;
 * - `showArrows`: arrows along e_i from each particle centre, the longest 1.2 mean diameters long;
 * - `showVorticity`: 3D: arrows along η_i (the longest 1.2 long) and a slice of the coarse-grained
 *   field; 2D (η a scalar): disks coloured by η on a diverging map, over the whole coarse-grained grid.
 * While arrows are shown in 3D the spheres are drawn at half their diameter, and in 2D the disks at
 * 0.6 of theirs while the vorticity field is shown, so that what lies under them stays visible.
 *
 * Above DRAWN_PARTICLE_LIMIT particles in 3D the spheres and arrows are drawn for a subsample
 * (subsample.ts modeSubsample: the largest |e_i| and an even spread of the rest); the colour bars'
 * ranges and the arrows' scale stay those of all particles.
 */
import * as THREE from 'three';
import type { ModeData } from '../../../main/ipc/contract';
import { excursionAmplitude, vectorMagnitudes } from '../../../engine/analysis/modeGeometry';
import { finiteRange, type ColourMapName } from './colourMaps';
import { createArrowMesh, type ArrowMesh } from './arrows';
import type { DisplacementUniform } from './displacement';
import { createPeriodicBox } from './periodicBox';
import { createParticleMesh, sceneCoordinates } from './particles';
import { drawnCentres, drawnRows, modeSubsample, type DrawnParticles } from './subsample';
import { addLights, createViewCamera, fitViewCamera, type ViewCamera } from './viewCamera';
import { createVorticitySlice, type Axis, type VorticitySlice } from './vorticitySlice';

export interface ModeSceneOptions {
  amplitude: number;
  showArrows: boolean;
  showVorticity: boolean;
  colourBy?: 'diameter' | 'amplitude' | 'vorticity';
  background?: number;
}

export type ParticleColouring = NonNullable<ModeSceneOptions['colourBy']>;

/** What a colour bar needs: the label of the field, its map and the range the map spans. */
export interface ColourLegend {
  label: string;
  map: ColourMapName;
  min: number;
  max: number;
}

export interface ModeScene {
  /** Draws the frame at phase ∈ [0, 1) of one period into the canvas, synchronously. */
  renderFrame(phase: number): void;
  setOptions(o: Partial<ModeSceneOptions>): void;
  /** A THREE.Camera: perspective in 3D, orthographic in 2D (for OrbitControls, or to set a movie's view). */
  camera: ViewCamera;
  dispose(): void;
  /** The renderer drawing into the canvas (preserveDrawingBuffer: true, pixel ratio 1 unless resized otherwise). */
  readonly renderer: THREE.WebGLRenderer;
  /** New drawing-buffer size (CSS pixels × pixel ratio); keeps the camera's view of the box. */
  resize(width: number, height: number, pixelRatio?: number): void;
  /** The vorticity slice (3D): which layer of grid nodes normal to which axis, and whether it is drawn. */
  setSlice(slice: { visible: boolean; axis: Axis; layer: number }): void;
  /** Nodes per side of the coarse-grained grid (the range of `layer`). */
  readonly gridNodes: number;
  /** The colour bars of what is drawn now: the particles' field, and the slice's when it is shown. */
  legends(): { particles: ColourLegend; slice?: ColourLegend };
  /** The options now in force, with colourBy resolved. */
  options(): Required<ModeSceneOptions>;
  /** The particles drawn (all, or a subsample above DRAWN_PARTICLE_LIMIT in 3D). */
  readonly drawn: DrawnParticles;
  /** Instances of the particles' InstancedMesh (what the GPU draws). */
  readonly instances: number;
}

/** A default amplitude A: the particle that moves most moves 0.3 mean diameters at the turning points. */
export function defaultAmplitude(mode: Pick<ModeData, 'displacement' | 'dim'>): number {
  return excursionAmplitude(mode.displacement, mode.dim, 0.3);
}

/** |η_i| per particle (3D), or η_i itself (2D, a scalar); null where the engine could not fit it. */
function vorticityValues(mode: ModeData): (number | null)[] {
  const c = mode.vorticityComponents;
  if (c === 1) return mode.vorticity;
  const magnitudes = vectorMagnitudes(Float64Array.from(mode.vorticity, (v) => v ?? NaN), c);
  return Array.from(magnitudes, (m) => (Number.isFinite(m) ? m : null));
}

const defaultBackground = 0xfbfcfe;
const displacementArrowColour = 0xe4572e;
const vorticityArrowColour = 0xc2185b;
const longestArrow = 1.2;

export function createModeScene(
  canvas: HTMLCanvasElement | OffscreenCanvas,
  mode: ModeData,
  options: ModeSceneOptions,
  size: { width: number; height: number },
): ModeScene {
  const { dim, side } = mode;
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(1);
  renderer.setSize(size.width, size.height, false);

  const scene = new THREE.Scene();
  const camera = createViewCamera(dim, side, size.width / Math.max(1, size.height));
  if (dim === 3) addLights(scene, camera);
  else scene.add(camera);

  // Colour fields over all particles, computed once; what is drawn may be a subsample of them.
  const amplitudes = vectorMagnitudes(mode.displacement, dim);
  const drawn = modeSubsample(amplitudes, dim);
  const shown = drawn.indices;
  const rows = <T,>(values: ArrayLike<T>, components = 1): ArrayLike<T> => (drawn.subsampled ? drawnRows(values, shown, components) : values);

  const allCentres = sceneCoordinates(mode.positions, dim, side);
  const centres = drawn.subsampled ? drawnCentres(allCentres, shown) : allCentres;
  const uniform: DisplacementUniform = { value: 0 };
  const moving = { vectors: rows(mode.displacement, dim), uniform };
  const particles = createParticleMesh({ dim, centres, diameters: rows(mode.diameters), displacement: moving });
  scene.add(particles.mesh);
  const box = createPeriodicBox(dim, side);
  scene.add(box);

  const vorticity = vorticityValues(mode);
  const vorticityLimit = (() => {
    const [lo, hi] = finiteRange(vorticity);
    return Math.max(Math.abs(lo), Math.abs(hi));
  })();
  const fields: Record<ParticleColouring, ColourLegend & { values: ArrayLike<number | null> }> = {
    diameter: { label: 'diameter a_i', map: 'sequential', values: mode.diameters, ...rangeOf(mode.diameters) },
    amplitude: { label: 'amplitude |e_i|', map: 'sequential', values: amplitudes, ...rangeOf(amplitudes) },
    vorticity:
      dim === 2
        ? { label: 'vorticity η_i', map: 'diverging', values: vorticity, min: -vorticityLimit, max: vorticityLimit }
        : { label: 'vorticity |η_i|', map: 'sequential', values: vorticity, ...rangeOf(vorticity) },
  };

  // Glyphs made when first shown, kept (hidden) until dispose.
  let displacementArrows: ArrowMesh | undefined;
  let vorticityArrows: ArrowMesh | undefined;
  let slice: VorticitySlice | undefined;
  let sliceChoice = { visible: true, axis: 2 as Axis, layer: Math.floor(mode.grid.nodes / 2) };

  // `requested` as the caller set it (colourBy may be left to the default); `current` resolved.
  let requested: ModeSceneOptions = { ...options };
  let current: Required<ModeSceneOptions> = { amplitude: 0, showArrows: false, showVorticity: false, colourBy: 'diameter', background: defaultBackground };
  let colouredBy: ParticleColouring | undefined;
  let sizeScale = NaN;

  const apply = (next: ModeSceneOptions) => {
    requested = { ...next };
    const colourBy: ParticleColouring = next.colourBy ?? (dim === 2 && next.showVorticity ? 'vorticity' : 'diameter');
    current = { amplitude: next.amplitude, showArrows: next.showArrows, showVorticity: next.showVorticity, colourBy, background: next.background ?? defaultBackground };
    renderer.setClearColor(current.background);

    if (colourBy !== colouredBy) {
      const field = fields[colourBy];
      particles.setColours(rows(field.values), field.map, [field.min, field.max]);
      colouredBy = colourBy;
    }

    if (current.showArrows && !displacementArrows) {
      displacementArrows = createArrowMesh({ dim, centres, vectors: rows(mode.displacement, dim), components: dim, longest: longestArrow, colour: displacementArrowColour, lift: dim === 2 ? 0.3 : 0, displacement: moving, largest: largestOf(amplitudes) });
      scene.add(displacementArrows.mesh);
    }
    if (displacementArrows) displacementArrows.mesh.visible = current.showArrows;

    if (current.showVorticity && dim === 3 && !vorticityArrows) {
      vorticityArrows = createArrowMesh({ dim, centres, vectors: rows(mode.vorticity, mode.vorticityComponents), components: mode.vorticityComponents, longest: longestArrow, colour: vorticityArrowColour, displacement: moving, largest: largestOf(vorticity) });
      scene.add(vorticityArrows.mesh);
    }
    if (vorticityArrows) vorticityArrows.mesh.visible = current.showVorticity;

    if (current.showVorticity && !slice) {
      slice = createVorticitySlice(mode.grid, dim, side);
      slice.setSlice(sliceChoice.axis, sliceChoice.layer);
      scene.add(slice.mesh);
    }
    if (slice) slice.mesh.visible = current.showVorticity && sliceChoice.visible;

    const arrowsShown = current.showArrows || current.showVorticity;
    const scale = dim === 3 ? (arrowsShown ? 0.5 : 1) : current.showVorticity && sliceChoice.visible ? 0.6 : 1;
    if (scale !== sizeScale) {
      particles.setSizeScale(scale);
      sizeScale = scale;
    }
  };
  apply(options);

  let disposed = false;
  return {
    camera,
    renderer,
    drawn,
    instances: particles.mesh.count,
    gridNodes: mode.grid.nodes,
    renderFrame(phase: number) {
      if (disposed) return;
      uniform.value = current.amplitude * Math.sin(2 * Math.PI * phase);
      renderer.render(scene, camera);
    },
    setOptions(o: Partial<ModeSceneOptions>) {
      apply({ ...requested, ...o });
    },
    resize(width: number, height: number, pixelRatio = 1) {
      renderer.setPixelRatio(pixelRatio);
      renderer.setSize(width, height, false);
      fitViewCamera(camera, side, width / Math.max(1, height));
    },
    setSlice(choice) {
      sliceChoice = { ...choice };
      if (slice) slice.setSlice(choice.axis, choice.layer);
      apply(requested);
    },
    legends() {
      const field = fields[current.colourBy];
      const particlesLegend: ColourLegend = { label: field.label, map: field.map, min: field.min, max: field.max };
      if (!slice || !slice.mesh.visible) return { particles: particlesLegend };
      return { particles: particlesLegend, slice: { label: slice.label(), map: 'diverging', min: -slice.limit, max: slice.limit } };
    },
    options() {
      return { ...current };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      particles.dispose();
      displacementArrows?.dispose();
      vorticityArrows?.dispose();
      slice?.dispose();
      box.geometry.dispose();
      (box.material as THREE.Material).dispose();
      renderer.dispose();
    },
  };
}

/** The largest finite value (0 when none): what the longest arrow stands for, over all particles. */
function largestOf(values: ArrayLike<number | null>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && Number.isFinite(v) && v > largest) largest = v;
  }
  return largest;
}

function rangeOf(values: ArrayLike<number | null>): { min: number; max: number } {
  const [min, max] = finiteRange(values);
  return { min, max };
}
