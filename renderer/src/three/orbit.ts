/**
 * Mouse control of a box view (OrbitControls): rotate, zoom and pan in 3D; zoom and pan in 2D, where
 * the left button pans. `linkCameras` makes several views move as one (side-by-side modes).
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

export function createOrbitControls(camera: THREE.PerspectiveCamera | THREE.OrthographicCamera, element: HTMLElement, dim: number): OrbitControls {
  const controls = new OrbitControls(camera, element);
  controls.enableDamping = false;
  controls.screenSpacePanning = true;
  controls.enableRotate = dim === 3;
  if (dim === 2) controls.mouseButtons.LEFT = THREE.MOUSE.PAN;
  controls.target.set(0, 0, 0);
  controls.update();
  return controls;
}

/**
 * Cameras that follow each other: whenever one view's controls move its camera, the others take the
 * same position, orientation, zoom and target. Returns the function that unlinks them.
 */
export function linkCameras(views: { camera: THREE.PerspectiveCamera | THREE.OrthographicCamera; controls: OrbitControls }[]): () => void {
  let copying = false;
  const listeners = views.map((source) => {
    const listener = () => {
      if (copying) return;
      copying = true;
      for (const view of views) {
        if (view === source) continue;
        view.camera.position.copy(source.camera.position);
        view.camera.quaternion.copy(source.camera.quaternion);
        view.camera.zoom = source.camera.zoom;
        view.camera.updateProjectionMatrix();
        view.controls.target.copy(source.controls.target);
        view.controls.update();
      }
      copying = false;
    };
    source.controls.addEventListener('change', listener);
    return listener;
  });
  return () => views.forEach((view, k) => view.controls.removeEventListener('change', listeners[k]));
}
