/**
 * The coarse-grained vorticity field of a mode (ModeData.grid, from the engine's
 * coarseGrainedVorticity) as a colour map on a plane: a DataTexture with one texel per grid node.
 * 2D: the whole grid, under the disks. 3D: one layer of nodes normal to x, y or z, showing the
 * component of η along that normal (the rotation within the plane), on a diverging map whose range
 * ±limit is the largest |η| component anywhere on the grid, so the colours of different layers compare.
 *
 * Grid layout (engine): node (a, b, c) at ((a + ½)h, (b + ½)h, (c + ½)h), values at
 * ((c·n + b)·n + a)·components + k. Texel centres fall on the node positions; the texture repeats,
 * so linear filtering is periodic like the box.
 */
import * as THREE from 'three';
import type { ModeData } from '../../../main/ipc/contract';
import { colourAt } from './colourMaps';

export type Axis = 0 | 1 | 2;
export const axisNames = ['x', 'y', 'z'] as const;

export interface VorticitySlice {
  readonly mesh: THREE.Mesh;
  /** Nodes per side of the grid. */
  readonly nodes: number;
  /** Colour range is [−limit, +limit]. */
  readonly limit: number;
  /** Shows the layer `layer` (0 … nodes − 1) of nodes normal to `axis` (3D; ignored in 2D). */
  setSlice(axis: Axis, layer: number): void;
  /** What the colours show, for the colour bar. */
  label(): string;
  dispose(): void;
}

export function createVorticitySlice(grid: ModeData['grid'], dim: number, side: number): VorticitySlice {
  const n = grid.nodes;
  const comps = grid.components;
  let limit = 0;
  for (const v of grid.values) if (Number.isFinite(v) && Math.abs(v) > limit) limit = Math.abs(v);
  const texels = new Uint8Array(4 * n * n);
  const texture = new THREE.DataTexture(texels, n, n, THREE.RGBAFormat);
  texture.colorSpace = THREE.SRGBColorSpace;
  texture.wrapS = THREE.RepeatWrapping;
  texture.wrapT = THREE.RepeatWrapping;
  texture.magFilter = THREE.LinearFilter;
  texture.minFilter = THREE.LinearFilter;
  texture.generateMipmaps = false;
  const geometry = new THREE.PlaneGeometry(side, side);
  const material =
    dim === 2
      ? new THREE.MeshBasicMaterial({ map: texture })
      : new THREE.MeshBasicMaterial({ map: texture, side: THREE.DoubleSide, transparent: true, opacity: 0.82, depthWrite: false });
  const mesh = new THREE.Mesh(geometry, material);
  mesh.renderOrder = dim === 2 ? -1 : 1;
  const h = side / n;
  let current: { axis: Axis; layer: number } = { axis: 2, layer: Math.floor(n / 2) };
  const srgb: [number, number, number] = [0, 0, 0];

  const fill = (axis: Axis, layer: number) => {
    // Texel (u, v) ↔ node coordinates along the two in-plane axes, in cyclic order after the normal.
    for (let v = 0; v < n; v++) {
      for (let u = 0; u < n; u++) {
        let a: number, b: number, c: number;
        if (dim === 2 || axis === 2) [a, b, c] = [u, v, dim === 2 ? 0 : layer];
        else if (axis === 0) [a, b, c] = [layer, u, v];
        else [a, b, c] = [v, layer, u];
        const component = dim === 2 ? 0 : axis;
        const value = grid.values[((c * n + b) * n + a) * comps + component];
        colourAt('diverging', limit > 0 ? 0.5 + value / (2 * limit) : 0.5, srgb);
        const o = 4 * (v * n + u);
        texels[o] = srgb[0];
        texels[o + 1] = srgb[1];
        texels[o + 2] = srgb[2];
        texels[o + 3] = 255;
      }
    }
    texture.needsUpdate = true;
  };

  const place = (axis: Axis, layer: number) => {
    mesh.position.set(0, 0, 0);
    mesh.rotation.set(0, 0, 0);
    if (dim === 2) {
      mesh.position.z = -0.05;
      return;
    }
    const offset = (layer + 0.5) * h - side / 2;
    // The plane's local x, y, z become the two in-plane axes and the normal (right-handed).
    const basis = new THREE.Matrix4();
    if (axis === 2) basis.identity();
    else if (axis === 0) basis.makeBasis(new THREE.Vector3(0, 1, 0), new THREE.Vector3(0, 0, 1), new THREE.Vector3(1, 0, 0));
    else basis.makeBasis(new THREE.Vector3(0, 0, 1), new THREE.Vector3(1, 0, 0), new THREE.Vector3(0, 1, 0));
    mesh.quaternion.setFromRotationMatrix(basis);
    mesh.position.setComponent(axis, offset);
  };

  const setSlice = (axis: Axis, layer: number) => {
    const clamped = Math.min(n - 1, Math.max(0, Math.round(layer)));
    current = { axis, layer: clamped };
    fill(axis, clamped);
    place(axis, clamped);
  };
  setSlice(current.axis, current.layer);

  return {
    mesh,
    nodes: n,
    limit,
    setSlice,
    label() {
      if (dim === 2) return 'coarse-grained η';
      const name = axisNames[current.axis];
      return `coarse-grained η_${name} on ${name} = ${((current.layer + 0.5) * h).toFixed(2)}`;
    },
    dispose() {
      texture.dispose();
      geometry.dispose();
      material.dispose();
    },
  };
}
