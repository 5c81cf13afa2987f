// The app's job queue on a project of chains (issue 9), on the real engine runner with worker
// threads: one entry per chain in the job's snapshot, carrying that chain's latest report (E/N
// trace at most 200 points, τ_α, δ, acceptances, warnings) as chains/<id>/chain.json has it; the
// job's fraction counts finished samples plus the chains' Monte Carlo and never goes back. And the
// projects.estimate call: the expected Monte Carlo time as engine/pipeline/estimate.ts scales it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectStatus } from '../engine/io/project';
import { readChainReport } from '../engine/io/chainRun';
import { validateSettings } from '../engine/model/settings';
import { monteCarloSweeps } from '../engine/pipeline/estimate';
import { createDispatcher } from '../main/ipc/dispatch';
import { createHandlers } from '../main/ipc/handlers';
import type { JobSnapshot, MonteCarloTime } from '../main/ipc/contract';
import { JobQueue, chainWorkBeyondFinished, downsampleTrace, stageWeights } from '../main/services/job-queue';
import { ProjectService } from '../main/services/project-service';
import { ResultsService } from '../main/services/results-service';
import { SettingsService } from '../main/services/settings-service';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-chains-ui-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** Two short chains of a small 2D glass at T* = 0.3: 420 sweeps each, so a trace of 421 points. */
const chainProject = { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 0.3, chains: 2, equilibrate: 400, sampleEvery: 10, maxDisplacement: 'auto' }, spectrum: { enabled: false }, samples: 4, seed: 3 };

function services(workers: number) {
  const stateDir = join(scratch, 'state');
  const projects = new ProjectService({ stateDir, trash: async () => {} });
  const settings = new SettingsService(stateDir, { jobs: workers, projectsFolder: scratch });
  const jobs = new JobQueue({ stateDir, recentProjects: () => projects.recentPaths(), workers: () => settings.preferences().jobs });
  const dispatch = createDispatcher(
    createHandlers(
      { projects, settings, jobs, results: new ResultsService() },
      { host: 'bridge', versions: {}, chooseFolder: async () => null, computeStatus: () => ({ order: [], attempts: [], available: false }), computeProbe: async () => ({ order: [], attempts: [], available: false }), saveExport: async () => null },
    ),
  );
  return { projects, settings, jobs, dispatch };
}

describe('job queue on a project of chains', () => {
  it('carries both chains’ reports with their E/N traces, downsampled, and a fraction that only grows', async () => {
    const { projects, jobs } = services(2);
    const dir = join(scratch, 'chains');
    projects.create(dir, chainProject);
    const seen: JobSnapshot[] = [];
    jobs.onChange((list) => seen.push(list[0]));
    const queued = jobs.enqueue(dir);
    expect(queued.total).toBe(4);
    expect(queued.chains?.map((c) => [c.chainId, c.samples, c.done, c.totalSweeps, c.report])).toEqual([
      ['c000', 2, 0, 420, undefined],
      ['c001', 2, 0, 420, undefined],
    ]);
    await jobs.whenIdle();
    const job = jobs.list()[0];
    expect(job.state).toBe('done');
    expect(projectStatus(dir).samples.every((s) => s.state === 'done')).toBe(true);
    expect(job.fraction).toBe(1);

    for (const chain of job.chains!) {
      const onDisk = readChainReport(dir, chain.chainId)!;
      expect(onDisk.trace.sweeps.length).toBe(421);
      const report = chain.report!;
      expect(report).toBeDefined();
      expect(report.written).toBe(2);
      expect(report.sweepsDone).toBe(420);
      expect(report.trace.sweeps.length).toBe(200);
      expect(report.trace.sweeps[0]).toBe(0);
      expect(report.trace.sweeps.at(-1)).toBe(420);
      expect(report.trace).toEqual(downsampleTrace(onDisk.trace));
      expect(report.warnings).toEqual(onDisk.warnings);
      expect(report.delta).toBe(onDisk.delta);
      expect(report.step?.target).toBe(0.35);
      expect('relaxation' in report).toBe(false);
      expect(chain.done).toBe(2);
    }

    // While it ran: reports of both chains arrived before the job ended, chain ids in the running
    // entries, and the fraction never went back.
    const running = seen.filter((s) => s.state === 'running');
    expect(running.some((s) => s.chains!.every((c) => c.report !== undefined))).toBe(true);
    expect(running.some((s) => s.running.some((p) => /^c00[01]$/.test(p.sampleId)))).toBe(true);
    const fractions = seen.map((s) => s.fraction);
    for (let k = 1; k < fractions.length; k++) expect(fractions[k]).toBeGreaterThanOrEqual(fractions[k - 1] - 1e-12);
    expect(fractions.some((f) => f > 0 && f < 0.5)).toBe(true); // Monte Carlo progress counts before any sample is done
  });

  it('a job on a sample range covers the whole chain that owns it; a new queue reads the chain reports back from disk on resume', async () => {
    const { projects, jobs } = services(1);
    const dir = join(scratch, 'range');
    projects.create(dir, chainProject);
    const job = jobs.enqueue(dir, [3, 3]);
    expect(job.total).toBe(2);
    expect(job.chains?.map((c) => c.chainId)).toEqual(['c001']);
    await jobs.whenIdle();
    const finished = jobs.get(job.id);
    expect(finished.done).toBe(2);
    expect(finished.chains![0].report?.written).toBe(2);
    expect(projectStatus(dir).samples.map((s) => s.state)).toEqual(['pending', 'pending', 'done', 'done']);

    // Not kept in jobs.json (traces are large): a restarted queue has no chains until the job is resumed.
    const again = new JobQueue({ stateDir: join(scratch, 'state'), recentProjects: () => [dir], workers: () => 1 });
    const whole = again.enqueue(dir);
    expect(whole.chains!.map((c) => [c.chainId, c.done, c.report?.written])).toEqual([
      ['c000', 0, undefined],
      ['c001', 2, 2],
    ]);
    expect(whole.fraction).toBe(0.5);
    again.cancel(whole.id);
    await again.whenIdle();
  });

  it('counts a running chain by its Monte Carlo spread over its samples, plus the later stages of the sample in flight', () => {
    const w = stageWeights(validateSettings(chainProject));
    expect(w.spectrum).toBe(0);
    expect(w.parent).toBeCloseTo(0.75, 12);
    // Half the Monte Carlo of a 2-sample chain: one sample's parent share.
    expect(chainWorkBeyondFinished(w, { samples: 2, done: 0, failed: 0, monteCarlo: 0.5 })).toBeCloseTo(0.75, 12);
    // Its first parent quenched halfway.
    expect(chainWorkBeyondFinished(w, { samples: 2, done: 0, failed: 0, monteCarlo: 0.5 }, { stage: 'quench', fraction: 0.5 })).toBeCloseTo(0.875, 12);
    // That sample finished: it counts as done elsewhere, and only the Monte Carlo beyond it remains here.
    expect(chainWorkBeyondFinished(w, { samples: 2, done: 1, failed: 0, monteCarlo: 0.5 }, { stage: 'parent', fraction: 0.5 })).toBeCloseTo(0, 12);
    expect(chainWorkBeyondFinished(w, { samples: 2, done: 2, failed: 0, monteCarlo: 1 }, { stage: 'quench', fraction: 1 })).toBe(0);
  });

  it('downsamples a trace to evenly spaced points, keeping the first and the last', () => {
    const trace = { sweeps: Array.from({ length: 1001 }, (_, k) => k), energy: Array.from({ length: 1001 }, (_, k) => -k / 1000) };
    const d = downsampleTrace(trace, 11);
    expect(d.sweeps).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(d.energy).toEqual(d.sweeps.map((k) => -k / 1000));
    expect(downsampleTrace({ sweeps: [0, 5], energy: [1, 2] })).toEqual({ sweeps: [0, 5], energy: [1, 2] });
  });
});

describe('projects.estimate', () => {
  it('returns the expected Monte Carlo time as the engine scales it, with the preference’s workers', async () => {
    const { dispatch, settings } = services(4);
    const input = { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 0.3, chains: 3, equilibrate: 4000, sampleEvery: 100 }, samples: 7 };
    const reply = await dispatch('projects.estimate', { settings: input });
    expect(reply.ok).toBe(true);
    const e = (reply as { value: MonteCarloTime }).value;
    expect(Object.keys(e).sort()).toEqual(['perUnitSeconds', 'rate', 'totalSeconds', 'unit', 'wallSeconds', 'workers']);
    expect(e.unit).toBe('chain');
    expect(e.workers).toBe(3); // 4 workers preferred, but only 3 chains
    expect(e.rate).toBeGreaterThan(1e4);
    // Sweeps per chain: 4000 + (3, 2, 2) · 100; one sweep is N attempts at the measured rate.
    const sweeps = monteCarloSweeps(validateSettings(input));
    expect(sweeps.perUnit).toEqual([4300, 4200, 4200]);
    expect(e.perUnitSeconds).toBeCloseTo((4300 * 64) / e.rate, 9);
    expect(e.totalSeconds).toBeCloseTo((12700 * 64) / e.rate, 9);
    expect(e.wallSeconds).toBeCloseTo(e.perUnitSeconds, 9);

    settings.setPreferences({ jobs: 1 });
    const one = ((await dispatch('projects.estimate', { settings: input })) as { value: MonteCarloTime }).value;
    expect(one.workers).toBe(1);
    expect(one.wallSeconds).toBeCloseTo(one.totalSeconds, 9);

    // Independent samples: per sample.
    const independent = ((await dispatch('projects.estimate', { settings: { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 0.5, sweeps: 2000 }, samples: 3 } })) as { value: MonteCarloTime }).value;
    expect(independent.unit).toBe('sample');
    expect(independent.perUnitSeconds).toBeCloseTo((2000 * 64) / independent.rate, 9);

    expect(await dispatch('projects.estimate', { settings: { sampling: { parentTemperature: 'inf' } } })).toEqual({ ok: true, value: null });
    expect(await dispatch('projects.estimate', { settings: { sampling: { parentTemperature: 0.3, chains: 2, equilibrate: -1 }, samples: 4 } })).toMatchObject({ ok: false, error: { name: 'SettingsError', setting: 'sampling.equilibrate' } });
    expect(await dispatch('projects.estimate', { settings: 'hot' })).toMatchObject({ ok: false, error: { name: 'ContractError', message: expect.stringMatching(/projects\.estimate: settings/) } });
  });
});
