/**
 * A configuration (inherent structure or parent) as a three.js scene, independent of React: the
 * particles as one InstancedMesh (spheres in 3D, disks in 2D), the periodic box as a wire frame, a
 * colour per particle from any field, a slab along x, y or z cut out with material clipping planes,
 * and picking of one particle by a ray through the InstancedMesh (its instanceId). Drawn on demand:
 * the view calls `render()` after a change of camera, colours or slab, so a still picture costs
 * nothing at any N. Above DRAWN_PARTICLE_LIMIT particles in 3D only a subsample is drawn
 * (subsample.ts configurationSubsample; with a slab, slabSubsample: the slab's own particles, all
 * of them up to the limit); colours, picking and positions still speak of the particles' own indices.
 */
import * as THREE from 'three';
import { wrapCoordinate } from '../../../engine/space/box';
import type { ConfigurationData } from '../../../main/ipc/contract';
import type { ColourMapName } from './colourMaps';
import { createPeriodicBox } from './periodicBox';
import { createParticleMesh, sceneCoordinates } from './particles';
import { configurationSubsample, DRAWN_PARTICLE_LIMIT, drawnCentres, drawnRows, slabSubsample, type DrawnParticles } from './subsample';
import { addLights, createViewCamera, fitViewCamera } from './viewCamera';
import type { Axis } from './vorticitySlice';

/** A slab of the box along `axis`: box coordinates in [centre − thickness/2, centre + thickness/2] stay. */
export interface Slab {
  axis: Axis;
  centre: number;
  thickness: number;
}

export interface ConfigurationScene {
  readonly renderer: THREE.WebGLRenderer;
  readonly camera: THREE.PerspectiveCamera | THREE.OrthographicCamera;
  /** The particles drawn (all, or a subsample above DRAWN_PARTICLE_LIMIT in 3D; it changes with the slab). */
  readonly drawn: DrawnParticles;
  /** Instances of the particles' InstancedMesh (what the GPU draws). */
  readonly instances: number;
  render(): void;
  resize(width: number, height: number, pixelRatio?: number): void;
  /** Colours by one value per particle (all N, in file order). */
  setColours(values: ArrayLike<number | null>, map: ColourMapName, range: readonly [number, number]): void;
  setSlab(slab: Slab | null): void;
  /** The particle under normalised device coordinates (x, y ∈ [−1, 1]), skipping what the slab cuts away. */
  pick(x: number, y: number): number | undefined;
  /** Rings the particle (or removes the ring). */
  highlight(index: number | undefined): void;
  /** Particle i's position in box coordinates, wrapped into [0, L). */
  position(index: number): number[];
  dispose(): void;
}

export function createConfigurationScene(canvas: HTMLCanvasElement, data: ConfigurationData, size: { width: number; height: number; pixelRatio?: number }): ConfigurationScene {
  const { dim, side } = data;
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(size.pixelRatio ?? 1);
  renderer.setSize(size.width, size.height, false);
  renderer.setClearColor(0xfbfcfe);
  renderer.localClippingEnabled = true;

  const scene = new THREE.Scene();
  const camera = createViewCamera(dim, side, size.width / Math.max(1, size.height));
  if (dim === 3) addLights(scene, camera);
  else scene.add(camera);

  const centres = sceneCoordinates(data.positions, dim, side);
  // The particles drawn: a new InstancedMesh whenever the subsample changes (only above the limit, with a slab).
  const subsampling = dim === 3 && data.diameters.length > DRAWN_PARTICLE_LIMIT;
  let drawn = configurationSubsample(data.diameters.length, dim);
  let shown = drawn.indices;
  const all = !drawn.subsampled;
  const makeMesh = () => createParticleMesh({ dim, centres: all ? centres : drawnCentres(centres, shown), diameters: all ? data.diameters : drawnRows(data.diameters, shown) });
  let particles = makeMesh();
  scene.add(particles.mesh);
  let colouring: { values: ArrayLike<number | null>; map: ColourMapName; range: readonly [number, number] } | undefined;
  const applyColours = () => {
    if (colouring) particles.setColours(all ? colouring.values : drawnRows(colouring.values, shown), colouring.map, colouring.range);
  };
  const redraw = (next: DrawnParticles) => {
    if (next.indices.length === shown.length && next.indices.every((v, k) => v === shown[k])) return;
    const material = particles.mesh.material as THREE.Material;
    scene.remove(particles.mesh);
    particles.dispose();
    drawn = next;
    shown = next.indices;
    particles = makeMesh();
    const fresh = particles.mesh.material as THREE.Material;
    fresh.clippingPlanes = material.clippingPlanes;
    fresh.side = material.side;
    scene.add(particles.mesh);
    applyColours();
  };
  const box = createPeriodicBox(dim, side);
  scene.add(box);

  // The picked particle: a ring around it (always drawn, even where the slab cuts the particle).
  const ringGeometry = new THREE.RingGeometry(0.56, 0.7, 48);
  const ringMaterial = new THREE.MeshBasicMaterial({ color: 0xd92d20, side: THREE.DoubleSide, depthTest: false });
  const ring = new THREE.Mesh(ringGeometry, ringMaterial);
  ring.renderOrder = 10;
  ring.visible = false;
  scene.add(ring);
  let ringed: number | undefined;

  const clipping = [new THREE.Plane(), new THREE.Plane()];
  const particleMaterial = () => particles.mesh.material as THREE.Material;
  const raycaster = new THREE.Raycaster();
  const pointer = new THREE.Vector2();

  const placeRing = () => {
    if (ringed === undefined) return;
    ring.position.set(centres[3 * ringed], centres[3 * ringed + 1], centres[3 * ringed + 2]);
    ring.scale.setScalar(data.diameters[ringed]);
    // Face the camera, so the ring reads as a circle around a sphere from any side.
    ring.quaternion.copy(camera.quaternion);
  };

  return {
    renderer,
    camera,
    get drawn() {
      return drawn;
    },
    get instances() {
      return particles.mesh.count;
    },
    render() {
      placeRing();
      renderer.render(scene, camera);
    },
    resize(width, height, pixelRatio = 1) {
      renderer.setPixelRatio(pixelRatio);
      renderer.setSize(width, height, false);
      fitViewCamera(camera, side, width / Math.max(1, height));
    },
    setColours(values, map, range) {
      colouring = { values, map, range };
      applyColours();
    },
    setSlab(slab) {
      const material = particleMaterial();
      if (!slab) {
        material.clippingPlanes = null;
        material.side = THREE.FrontSide;
        if (subsampling) redraw(configurationSubsample(data.diameters.length, dim));
      } else {
        const normal = new THREE.Vector3().setComponent(slab.axis, 1);
        const low = slab.centre - slab.thickness / 2 - side / 2;
        const high = slab.centre + slab.thickness / 2 - side / 2;
        clipping[0].set(normal, -low); // keeps x_axis ≥ low
        clipping[1].set(normal.clone().negate(), high); // keeps x_axis ≤ high
        material.clippingPlanes = clipping;
        // A cut sphere shows its inside rather than a hole (the back faces are drawn only while cutting).
        material.side = THREE.DoubleSide;
        if (subsampling) redraw(slabSubsample(centres, data.diameters, slab.axis, low, high));
      }
      particleMaterial().needsUpdate = true;
    },
    pick(x, y) {
      pointer.set(x, y);
      raycaster.setFromCamera(pointer, camera);
      const hits = raycaster.intersectObject(particles.mesh, false);
      const planes = particleMaterial().clippingPlanes ?? [];
      for (const hit of hits) {
        if (hit.instanceId === undefined) continue;
        if (planes.every((p) => p.distanceToPoint(hit.point) >= 0)) return shown[hit.instanceId];
      }
      return undefined;
    },
    highlight(index) {
      ringed = index;
      ring.visible = index !== undefined;
      placeRing();
    },
    position(index) {
      const out: number[] = [];
      for (let a = 0; a < dim; a++) {
        const x = data.positions[dim * index + a];
        out.push(wrapCoordinate(x, side));
      }
      return out;
    },
    dispose() {
      particles.dispose();
      box.geometry.dispose();
      (box.material as THREE.Material).dispose();
      ringGeometry.dispose();
      ringMaterial.dispose();
      renderer.dispose();
    },
  };
}
