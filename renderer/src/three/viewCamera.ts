/**
 * The camera of a box view: perspective from an oblique corner in 3D, orthographic from above in 2D,
 * framing the whole periodic box (centred on the origin) for a given aspect ratio.
 */
import * as THREE from 'three';

export type ViewCamera = THREE.PerspectiveCamera | THREE.OrthographicCamera;

export function createViewCamera(dim: number, side: number, aspect: number): ViewCamera {
  if (dim === 2) {
    const camera = new THREE.OrthographicCamera(-1, 1, 1, -1, -side * 4, side * 4);
    camera.position.set(0, 0, side * 2);
    fitViewCamera(camera, side, aspect);
    return camera;
  }
  const camera = new THREE.PerspectiveCamera(40, aspect, side * 0.02, side * 30);
  camera.position.set(side * 1.45, side * 1.05, side * 2.0);
  camera.lookAt(0, 0, 0);
  return camera;
}

/** After a resize: the same view of the box at the new aspect ratio. */
export function fitViewCamera(camera: ViewCamera, side: number, aspect: number): void {
  if (camera instanceof THREE.OrthographicCamera) {
    const half = side * 0.56;
    const wide = aspect >= 1;
    camera.left = -half * (wide ? aspect : 1);
    camera.right = half * (wide ? aspect : 1);
    camera.top = half / (wide ? 1 : aspect);
    camera.bottom = -half / (wide ? 1 : aspect);
  } else {
    camera.aspect = aspect;
  }
  camera.updateProjectionMatrix();
}

/** Lights for the 3D view: soft ambient light and a key light that follows the camera. */
export function addLights(scene: THREE.Scene, camera: THREE.Camera): THREE.Light[] {
  const ambient = new THREE.AmbientLight(0xffffff, 0.75);
  const key = new THREE.DirectionalLight(0xffffff, 1.9);
  key.position.set(0.6, 1.0, 0.8);
  camera.add(key);
  scene.add(ambient);
  scene.add(camera);
  return [ambient, key];
}
