/**
 * A vector per particle as one InstancedMesh of arrows (shaft and head merged into one geometry, so
 * one draw call for all of them): from the particle centre along the vector, the longest arrow
 * `longest` long and the others in proportion. Matrices are computed once per vector field, never
 * per frame.
 */
import * as THREE from 'three';
import { vectorMagnitudes } from '../../../engine/analysis/modeGeometry';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import { displaceInstances, setDisplacementVectors, type DisplacementUniform } from './displacement';

/** A unit arrow along +y from the origin: shaft to 0.7, head to 1. */
function unitArrowGeometry(): THREE.BufferGeometry {
  const shaft = new THREE.CylinderGeometry(0.045, 0.045, 0.7, 8, 1, true).translate(0, 0.35, 0);
  const head = new THREE.ConeGeometry(0.13, 0.3, 12).translate(0, 0.85, 0);
  const merged = mergeGeometries([shaft, head]);
  shaft.dispose();
  head.dispose();
  if (!merged) throw new Error('could not merge the arrow geometry');
  return merged;
}

export interface ArrowMeshInput {
  dim: number;
  /** Scene coordinates of the anchors (three per particle). */
  centres: Float32Array;
  /** `components` numbers per particle (2 or 3); null or NaN draws no arrow. */
  vectors: ArrayLike<number | null>;
  components: number;
  /** Length of the longest arrow, in scene units (mean diameters). */
  longest: number;
  colour: number;
  /** Shift of every anchor along z (2D: above the disks). */
  lift?: number;
  /** When given, the anchors move with the particles (see displacement.ts). */
  displacement?: { vectors: ArrayLike<number>; uniform: DisplacementUniform };
  /** The |v| the longest arrow stands for: default the largest of `vectors`; a subsample passes that of all particles. */
  largest?: number;
}

export interface ArrowMesh {
  readonly mesh: THREE.InstancedMesh;
  /** The largest |v| among the vectors (what the longest arrow stands for). */
  readonly largest: number;
  dispose(): void;
}

export function createArrowMesh(input: ArrowMeshInput): ArrowMesh {
  const { dim, centres, vectors, components, longest, colour, lift = 0, displacement } = input;
  const n = Math.floor(vectors.length / components);
  const geometry = unitArrowGeometry();
  const material = dim === 2 ? new THREE.MeshBasicMaterial({ color: colour }) : new THREE.MeshStandardMaterial({ color: colour, roughness: 0.5 });
  if (displacement) {
    setDisplacementVectors(geometry, displacement.vectors, dim);
    displaceInstances(material, displacement.uniform);
  }
  const mesh = new THREE.InstancedMesh(geometry, material, n);
  mesh.frustumCulled = false;

  // |v_i|, NaN where a component is missing (null over JSON) or not finite: such a vector gets no arrow.
  const lengths = vectorMagnitudes(Float64Array.from(vectors, (v) => (v !== null && Number.isFinite(v) ? v : NaN)), components);
  let largest = 0;
  for (let i = 0; i < n; i++) if (lengths[i] > largest) largest = lengths[i];
  if (input.largest !== undefined) largest = input.largest;

  const up = new THREE.Vector3(0, 1, 0);
  const direction = new THREE.Vector3();
  const position = new THREE.Vector3();
  const rotation = new THREE.Quaternion();
  const scale = new THREE.Vector3();
  const matrix = new THREE.Matrix4();
  for (let i = 0; i < n; i++) {
    const l = lengths[i];
    position.set(centres[3 * i], centres[3 * i + 1], centres[3 * i + 2] + lift);
    if (!(l > 0) || !(largest > 0)) {
      matrix.makeScale(0, 0, 0).setPosition(position);
    } else {
      direction.set(vectors[components * i] ?? 0, vectors[components * i + 1] ?? 0, components === 3 ? (vectors[components * i + 2] ?? 0) : 0).divideScalar(l);
      rotation.setFromUnitVectors(up, direction);
      const arrowLength = (longest * l) / largest;
      // Short arrows are thinner too, so that a field of small vectors does not read as a carpet of stubs.
      const width = Math.min(1, Math.max(0.35, arrowLength / 0.6));
      scale.set(width, arrowLength, width);
      matrix.compose(position, rotation, scale);
    }
    mesh.setMatrixAt(i, matrix);
  }
  mesh.instanceMatrix.needsUpdate = true;

  return {
    mesh,
    largest,
    dispose() {
      geometry.dispose();
      material.dispose();
      mesh.dispose();
    },
  };
}
