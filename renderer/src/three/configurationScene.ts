/**
 * A configuration (inherent structure or parent) as a three.js scene, independent of React: the
 * particles as one InstancedMesh (spheres in 3D, disks in 2D), the periodic box as a wire frame, a
 * colour per particle from any field, a slab along x, y or z cut out with material clipping planes,
 * and picking of one particle by a ray through the InstancedMesh (its instanceId). Drawn on demand:
 * the view calls `render()` after a change of camera, colours or slab, so a still picture costs
 * nothing at any N. Above DRAWN_PARTICLE_LIMIT particles in 3D only a subsample is drawn
 * (subsample.ts configurationSubsample); colours, picking and positions still speak of the
 * particles' own indices.
 */
import * as THREE from 'three';
import { wrapCoordinate } from '../../../engine/space/box';
import type { ConfigurationData } from '../../../main/ipc/contract';
import type { ColourMapName } from './colourMaps';
import { createPeriodicBox } from './periodicBox';
import { createParticleMesh, sceneCoordinates } from './particles';
import { configurationSubsample, drawnCentres, drawnRows, type DrawnParticles } from './subsample';
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
  /** The particles drawn (all, or a subsample above DRAWN_PARTICLE_LIMIT in 3D). */
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
  const drawn = configurationSubsample(data.diameters.length, dim);
  const shown = drawn.indices;
  const particles = createParticleMesh({ dim, centres: drawn.subsampled ? drawnCentres(centres, shown) : centres, diameters: drawn.subsampled ? drawnRows(data.diameters, shown) : data.diameters });
  scene.add(particles.mesh);
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
  const particleMaterial = particles.mesh.material as THREE.Material;
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
    drawn,
    instances: particles.mesh.count,
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
      particles.setColours(drawn.subsampled ? drawnRows(values, shown) : values, map, range);
    },
    setSlab(slab) {
      if (!slab) {
        particleMaterial.clippingPlanes = null;
        particleMaterial.side = THREE.FrontSide;
      } else {
        const normal = new THREE.Vector3().setComponent(slab.axis, 1);
        const low = slab.centre - slab.thickness / 2 - side / 2;
        const high = slab.centre + slab.thickness / 2 - side / 2;
        clipping[0].set(normal, -low); // keeps x_axis ≥ low
        clipping[1].set(normal.clone().negate(), high); // keeps x_axis ≤ high
        particleMaterial.clippingPlanes = clipping;
        // A cut sphere shows its inside rather than a hole (the back faces are drawn only while cutting).
        particleMaterial.side = THREE.DoubleSide;
      }
      particleMaterial.needsUpdate = true;
    },
    pick(x, y) {
      pointer.set(x, y);
      raycaster.setFromCamera(pointer, camera);
      const hits = raycaster.intersectObject(particles.mesh, false);
      const planes = particleMaterial.clippingPlanes ?? [];
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
