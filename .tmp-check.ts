import { readExtxyz } from '/work/main/engine/io/files';
import { validateSettings } from '/work/main/engine/model/settings';
import { makeGlass, totalEnergy, energyAndForces, cutoffPairs, maxForce } from '/work/main/engine/model/glass';
import { sparseHessian, hessianTrace } from '/work/main/engine/hessian/sparse';
import ref from '/work/shared/reference/reference.json' with { type: 'json' };
for (const key of ['d3_n125_taper2', 'd3_n125_taperinf', 'd2_n100_taper2'] as const) {
  const r = (ref as any)[key];
  const c = readExtxyz('/work/shared/reference/' + r.file);
  const s = validateSettings({ model: { dim: r.dim, particles: r.particles, taper: r.taper } });
  const g = makeGlass(s.model, c.diameters);
  const f = new Float64Array(c.positions.length);
  const e = energyAndForces(g, c.positions, cutoffPairs(g, c.positions), f);
  const h = sparseHessian(g, c.positions);
  console.log(key, g.box.side, r.box, (e - r.energy) / r.energy, maxForce(f, r.dim), (hessianTrace(h) - r.traceHessian) / r.traceHessian);
}
