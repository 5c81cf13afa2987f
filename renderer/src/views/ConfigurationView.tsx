import { useEffect, useRef, useState } from 'react';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { ConfigurationData } from '../../../main/ipc/contract';
import { api, errorText } from '../api';
import { useStore } from '../store';

/**
 * One sample's inherent structure (or its parent at T*) drawn as particles of their diameters:
 * disks in 2D, spheres in 3D, coloured by diameter. The view owns its scene and disposes of it.
 */
function Scene({ data }: { data: ConfigurationData }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current!;
    const width = element.clientWidth;
    const height = element.clientHeight;
    const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(window.devicePixelRatio);
    renderer.setSize(width, height);
    renderer.setClearColor(0xfbfcfe);
    element.appendChild(renderer.domElement);

    const scene = new THREE.Scene();
    const { dim, side, positions, diameters } = data;
    const n = diameters.length;
    const aspect = width / height;
    const camera =
      dim === 2
        ? new THREE.OrthographicCamera((-side * 0.55 * aspect), side * 0.55 * aspect, side * 0.55, -side * 0.55, -10, 10)
        : new THREE.PerspectiveCamera(40, aspect, 0.1, side * 20);
    if (dim === 3) camera.position.set(side * 1.6, side * 1.2, side * 2.2);
    const controls = new OrbitControls(camera, renderer.domElement);
    controls.enableRotate = dim === 3;

    const geometry = dim === 2 ? new THREE.CircleGeometry(0.5, 32) : new THREE.SphereGeometry(0.5, 20, 14);
    const material = dim === 2 ? new THREE.MeshBasicMaterial() : new THREE.MeshStandardMaterial({ roughness: 0.55 });
    const mesh = new THREE.InstancedMesh(geometry, material, n);
    const [lo, hi] = [Math.min(...diameters), Math.max(...diameters)];
    const matrix = new THREE.Matrix4();
    const color = new THREE.Color();
    for (let i = 0; i < n; i++) {
      const a = diameters[i];
      const x = positions[dim * i] - side / 2;
      const y = positions[dim * i + 1] - side / 2;
      const z = dim === 3 ? positions[dim * i + 2] - side / 2 : 0;
      matrix.makeScale(a, a, a).setPosition(x, y, z);
      mesh.setMatrixAt(i, matrix);
      color.setHSL(0.62 - 0.55 * ((a - lo) / Math.max(hi - lo, 1e-12)), 0.55, 0.55);
      mesh.setColorAt(i, color);
    }
    scene.add(mesh);
    // The periodic box.
    const box = new THREE.LineSegments(
      new THREE.EdgesGeometry(dim === 2 ? new THREE.PlaneGeometry(side, side) : new THREE.BoxGeometry(side, side, side)),
      new THREE.LineBasicMaterial({ color: 0x667085 }),
    );
    scene.add(box);
    if (dim === 3) {
      scene.add(new THREE.AmbientLight(0xffffff, 0.6));
      const light = new THREE.DirectionalLight(0xffffff, 1.6);
      light.position.set(1, 2, 3);
      scene.add(light);
    }
    let frame = 0;
    const loop = () => {
      controls.update();
      renderer.render(scene, camera);
      frame = requestAnimationFrame(loop);
    };
    loop();
    return () => {
      cancelAnimationFrame(frame);
      controls.dispose();
      geometry.dispose();
      material.dispose();
      mesh.dispose();
      box.geometry.dispose();
      (box.material as THREE.Material).dispose();
      renderer.dispose();
      element.removeChild(renderer.domElement);
    };
  }, [data]);
  return <div ref={host} className="viewer" aria-label="Configuration view" />;
}

export function ConfigurationView() {
  const project = useStore((s) => s.project);
  const withConfig = project?.samples.filter((s) => s.state === 'quenched' || s.state === 'done') ?? [];
  const withParent = project?.samples.filter((s) => s.state !== 'pending' && s.state !== 'sampling' && s.state !== 'failed') ?? [];
  const [choice, setChoice] = useState<{ id: string; kind: 'config' | 'parent' }>();
  const [data, setData] = useState<ConfigurationData>();
  const [error, setError] = useState<string>();
  const selected = choice ?? (withConfig[0] ? { id: withConfig[0].id, kind: 'config' as const } : undefined);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    if (!project || !selected) return;
    api.projects
      .configuration({ dir: project.path, sampleId: selected.id, kind: selected.kind })
      .then(setData)
      .catch((e) => setError(errorText(e)));
  }, [project?.path, selected?.id, selected?.kind]);

  if (!project) return <Empty text="Open a project to see its configurations." />;
  if (withParent.length === 0) return <Empty text="No sample of this project has a configuration yet: run it first." />;
  const meta = project.samples.find((s) => s.id === selected?.id)?.meta;
  return (
    <section aria-labelledby="config-title">
      <h1 id="config-title">Configuration</h1>
      <div className="row" style={{ marginBottom: 8 }}>
        <select aria-label="Sample" value={selected ? `${selected.id}:${selected.kind}` : ''} onChange={(e) => { const [id, kind] = e.target.value.split(':'); setChoice({ id, kind: kind as 'config' | 'parent' }); }}>
          {withConfig.map((s) => (
            <option key={`${s.id}:config`} value={`${s.id}:config`}>{s.id} — inherent structure</option>
          ))}
          {withParent.map((s) => (
            <option key={`${s.id}:parent`} value={`${s.id}:parent`}>{s.id} — parent at T*</option>
          ))}
        </select>
        {data ? <span className="muted">N = {data.diameters.length}, L = {data.side.toFixed(4)}, colour: diameter (blue small → red large){meta?.energyPerParticle !== undefined && selected?.kind === 'config' ? `, E/N = ${meta.energyPerParticle.toPrecision(10)}` : ''}</span> : null}
      </div>
      {error ? <div className="notice error">{error}</div> : data ? <Scene data={data} /> : <p className="muted">Loading…</p>}
    </section>
  );
}

function Empty({ text }: { text: string }) {
  return (
    <section>
      <h1>Configuration</h1>
      <p className="muted">{text}</p>
    </section>
  );
}
