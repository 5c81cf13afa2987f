/**
 * Particles as one InstancedMesh (one draw call whatever N is): spheres of their diameters in 3D,
 * disks in the z = 0 plane in 2D. Colours are per-instance; sizes can be scaled down so that glyphs
 * drawn from the particle centres stay visible.
 */
import * as THREE from 'three';
import { wrapCoordinate } from '../../../engine/space/box';
import { fillInstanceColours, fillUniformColour, type ColourMapName } from './colourMaps';
import { displaceInstances, setDisplacementVectors, type DisplacementUniform } from './displacement';

/**
 * Positions (d per particle, in [0, L) or anywhere: wrapped into the box for display) as scene
 * coordinates, three per particle with the box centred on the origin (z = 0 in 2D).
 */
export function sceneCoordinates(positions: ArrayLike<number>, dim: number, side: number): Float32Array {
  const n = Math.floor(positions.length / dim);
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const x = positions[dim * i + a];
      out[3 * i + a] = wrapCoordinate(x, side) - side / 2;
    }
  }
  return out;
}

/** Triangles per sphere that keep N = 10^4 spheres cheap and N ≤ 2000 round. */
function sphereGeometry(n: number): THREE.BufferGeometry {
  if (n <= 2000) return new THREE.SphereGeometry(0.5, 24, 16);
  if (n <= 20000) return new THREE.SphereGeometry(0.5, 14, 10);
  return new THREE.SphereGeometry(0.5, 10, 7);
}

export interface ParticleMeshInput {
  dim: number;
  /** Scene coordinates from `sceneCoordinates`. */
  centres: Float32Array;
  diameters: ArrayLike<number>;
  /** When given, each instance moves by `vectors` × the uniform (the Modes view's animation). */
  displacement?: { vectors: ArrayLike<number>; uniform: DisplacementUniform };
}

export interface ParticleMesh {
  readonly mesh: THREE.InstancedMesh;
  /** Draws each particle at `scale` × its diameter. */
  setSizeScale(scale: number): void;
  /** Colours particle i by values[i] on `map` over `range` (missing values grey). */
  setColours(values: ArrayLike<number | null>, map: ColourMapName, range: readonly [number, number]): void;
  setUniformColour(hex: number): void;
  dispose(): void;
}

export function createParticleMesh({ dim, centres, diameters, displacement }: ParticleMeshInput): ParticleMesh {
  const n = diameters.length;
  const geometry = dim === 2 ? new THREE.CircleGeometry(0.5, n <= 2000 ? 36 : 20) : sphereGeometry(n);
  const material = dim === 2 ? new THREE.MeshBasicMaterial() : new THREE.MeshStandardMaterial({ roughness: 0.55, metalness: 0 });
  if (displacement) {
    setDisplacementVectors(geometry, displacement.vectors, dim);
    displaceInstances(material, displacement.uniform);
  }
  const mesh = new THREE.InstancedMesh(geometry, material, n);
  mesh.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(3 * n), 3);
  // Bounds move with the animation; a culled box would pop, so it is never culled.
  mesh.frustumCulled = false;

  const matrices = mesh.instanceMatrix.array as Float32Array;
  const setSizeScale = (scale: number) => {
    for (let i = 0; i < n; i++) {
      const s = scale * diameters[i];
      const o = 16 * i;
      matrices.fill(0, o, o + 16);
      matrices[o] = s;
      matrices[o + 5] = s;
      matrices[o + 10] = s;
      matrices[o + 12] = centres[3 * i];
      matrices[o + 13] = centres[3 * i + 1];
      matrices[o + 14] = centres[3 * i + 2];
      matrices[o + 15] = 1;
    }
    mesh.instanceMatrix.needsUpdate = true;
    mesh.computeBoundingSphere();
    mesh.computeBoundingBox();
  };
  setSizeScale(1);
  fillUniformColour(mesh.instanceColor.array as Float32Array, 0x8090a8);

  return {
    mesh,
    setSizeScale,
    setColours(values, map, range) {
      fillInstanceColours(mesh.instanceColor!.array as Float32Array, values, map, range);
      mesh.instanceColor!.needsUpdate = true;
    },
    setUniformColour(hex) {
      fillUniformColour(mesh.instanceColor!.array as Float32Array, hex);
      mesh.instanceColor!.needsUpdate = true;
    },
    dispose() {
      geometry.dispose();
      material.dispose();
      mesh.dispose();
    },
  };
}
