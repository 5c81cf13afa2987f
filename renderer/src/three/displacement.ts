/**
 * Moving instanced glyphs on the GPU: every instance of a mesh gets a per-instance vector
 * `modeDisplacement` (e_i of a mode) and the whole scene one uniform `modeDisplacementScale`
 * (A·sin 2πφ). The vertex shader adds their product to the instance's centre, so an animation frame
 * changes one float and uploads nothing, whatever N is.
 */
import * as THREE from 'three';

/** The scale A·sin(2πφ) shared by every displaced layer of one scene. */
export interface DisplacementUniform {
  value: number;
}

export const displacementAttribute = 'modeDisplacement';

const projectWithDisplacement = /* glsl */ `
vec4 mvPosition = vec4( transformed, 1.0 );
#ifdef USE_BATCHING
	mvPosition = batchingMatrix * mvPosition;
#endif
#ifdef USE_INSTANCING
	mvPosition = instanceMatrix * mvPosition;
#endif
mvPosition.xyz += ${displacementAttribute} * modeDisplacementScale;
mvPosition = modelViewMatrix * mvPosition;
gl_Position = projectionMatrix * mvPosition;
`;

/**
 * Makes `material` displace each instance by its `modeDisplacement` attribute times the uniform.
 * The geometry drawn with it must carry that attribute (see `setDisplacementVectors`).
 */
export function displaceInstances(material: THREE.Material, uniform: DisplacementUniform): void {
  material.onBeforeCompile = (shader) => {
    shader.uniforms.modeDisplacementScale = uniform;
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', `#include <common>\nattribute vec3 ${displacementAttribute};\nuniform float modeDisplacementScale;`)
      .replace('#include <project_vertex>', projectWithDisplacement);
  };
  material.customProgramCacheKey = () => 'glassmodes-mode-displacement';
}

/**
 * Per-instance displacement vectors (d components per particle, padded to 3) as an instanced
 * attribute of `geometry`.
 */
export function setDisplacementVectors(geometry: THREE.BufferGeometry, vectors: ArrayLike<number>, dim: number): void {
  const n = Math.floor(vectors.length / dim);
  const data = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let a = 0; a < dim; a++) data[3 * i + a] = vectors[dim * i + a];
  geometry.setAttribute(displacementAttribute, new THREE.InstancedBufferAttribute(data, 3));
}
