/** The periodic box (a square in 2D, a cube in 3D) as a wire frame, centred on the origin like the particles. */
import * as THREE from 'three';

export function createPeriodicBox(dim: number, side: number, colour = 0x667085): THREE.LineSegments {
  const shape = dim === 2 ? new THREE.PlaneGeometry(side, side) : new THREE.BoxGeometry(side, side, side);
  const edges = new THREE.EdgesGeometry(shape);
  shape.dispose();
  return new THREE.LineSegments(edges, new THREE.LineBasicMaterial({ color: colour }));
}
