/**
 * `glassmodes demo [dir]`: the main job, in minutes on a laptop. Small 3D glasses from a high
 * parental temperature (T* = ∞, marginal, type-I expected: s = 2) and from swap Monte Carlo chains
 * at a low T* (stabler, type-II expected in small boxes: s = 3 + 2/m), each with tapers m = 2 and
 * m = ∞; spectra, the analysis of each, the HET curve, and a report of measured against predicted
 * exponents (docs/PHYSICS.md §7) with the high/low-T* contrast of s and of the validated per-mode
 * indicator (localisation at matched ω, engine/analysis/modeContrast.ts). Resumable: run it again
 * to continue.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createProject, openProject, ProjectError } from '../../engine/io/project';
import { settingsDifferences } from '../../engine/io/sampleCheck';
import { validateSettings } from '../../engine/model/settings';
import { checkResources } from '../resources';
import { runProject } from '../../engine/io/runner';
import { writeFileAtomic } from '../../engine/io/files';
import type { AnalysisSummary } from '../../engine/analysis/ensemble';
import { seriesToCsv } from '../../engine/series';
import { frequencyGrid, hetSeries, hetSpectrum, bandEdgeEstimate } from '../../engine/theory/het';
import { APP_VERSION } from '../../engine/version';
import { jobsOption, numberOption, parse, UsageError } from '../args';
import { createProgressReporter, formatDuration } from '../progress';
import { analyzeProject, formatSummary } from './analysis';
import { loadEnsemble } from '../../engine/io/analysisFiles';
import { readChainReport } from '../../engine/io/chainRun';
import { chainEntries, type ChainReport } from '../../engine/pipeline/chain';
import { ensembleLocalisationContrast, storedNonZeroModes, type EnsembleLocalisationContrast, type SampleModes } from '../../engine/analysis/modeContrast';

export const DEMO_USAGE =
  'glassmodes demo [dir] [--particles <N>] [--samples <k>] [--low-temperature <T*>] [--chains <c>] [--equilibrate <sweeps>] [--sample-every <sweeps>] [--jobs <n>] [--seed <s>]';

export interface DemoPlan {
  particles: number;
  /** Samples of each of the four projects. */
  samples: number;
  lowTemperature: number;
  /** Swap-MC chains of each low-T* project (at most `samples`), each equilibrated once, then yielding a parent every `sampleEvery` sweeps. */
  chains: number;
  equilibrate: number;
  sampleEvery: number;
  seed: number;
}

/**
 * Sized by measurement (docs/REPRODUCTION.md "The demo") to show the type-I → low-T* contrast in a
 * few minutes on a 2-core laptop: N = 216 keeps full spectra under a second; T* = 0.1 is the
 * lowest rung of the reproduction ladder; two chains (one per core) of 20 000 swap sweeps of
 * equilibration (δ tuned to acceptance 0.35, then frozen) and a parent every 1000.
 */
export const DEMO_DEFAULTS: DemoPlan = { particles: 216, samples: 16, lowTemperature: 0.1, chains: 2, equilibrate: 20000, sampleEvery: 1000, seed: 2024 };

export function demoProjects(plan: DemoPlan) {
  return [
    { name: 'high-T-m2', temperature: 'inf' as const, taper: 2 as const },
    { name: 'high-T-minf', temperature: 'inf' as const, taper: 'inf' as const },
    { name: 'low-T-m2', temperature: plan.lowTemperature, taper: 2 as const },
    { name: 'low-T-minf', temperature: plan.lowTemperature, taper: 'inf' as const },
  ];
}

/** The settings of one demo project (validated: a bad option is refused naming the setting). */
export function demoSettings(plan: DemoPlan, spec: ReturnType<typeof demoProjects>[number]) {
  const low = spec.temperature !== 'inf';
  return validateSettings({
    model: { dim: 3, particles: plan.particles, taper: spec.taper },
    sampling: low
      ? { parentTemperature: spec.temperature, sweeps: 0, chains: Math.min(plan.chains, plan.samples), equilibrate: plan.equilibrate, sampleEvery: plan.sampleEvery, maxDisplacement: 'auto' as const }
      : { parentTemperature: spec.temperature, sweeps: 0 },
    samples: plan.samples,
    seed: plan.seed,
  });
}

export async function demoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      particles: { type: 'string' },
      samples: { type: 'string' },
      'low-temperature': { type: 'string' },
      chains: { type: 'string' },
      equilibrate: { type: 'string' },
      'sample-every': { type: 'string' },
      jobs: { type: 'string' },
      seed: { type: 'string' },
    },
    DEMO_USAGE,
  );
  if (positionals.length > 1) throw new UsageError(`demo takes at most one folder\nusage: ${DEMO_USAGE}`);
  const dir = resolve(positionals[0] ?? 'glassmodes-demo');
  const plan: DemoPlan = {
    particles: numberOption(values.particles, 'particles', true) ?? DEMO_DEFAULTS.particles,
    samples: numberOption(values.samples, 'samples', true) ?? DEMO_DEFAULTS.samples,
    lowTemperature: numberOption(values['low-temperature'], 'low-temperature') ?? DEMO_DEFAULTS.lowTemperature,
    chains: numberOption(values.chains, 'chains', true) ?? DEMO_DEFAULTS.chains,
    equilibrate: numberOption(values.equilibrate, 'equilibrate', true) ?? DEMO_DEFAULTS.equilibrate,
    sampleEvery: numberOption(values['sample-every'], 'sample-every', true) ?? DEMO_DEFAULTS.sampleEvery,
    seed: numberOption(values.seed, 'seed', true) ?? DEMO_DEFAULTS.seed,
  };
  const jobs = jobsOption(values.jobs, plan.samples);
  // Every project's settings checked before anything is written, and a folder made before with
  // other settings refused: the report would put the new settings over the old data.
  const settingsOf = (spec: ReturnType<typeof demoProjects>[number]) => demoSettings(plan, spec);
  for (const spec of demoProjects(plan)) {
    const folder = join(dir, spec.name);
    const wanted = settingsOf(spec);
    if (!existsSync(join(folder, 'project.json'))) continue;
    const differences = settingsDifferences(openProject(folder).settings, wanted);
    if (differences.length) {
      throw new ProjectError(`${folder} was made by an earlier demo with other settings (${differences.join(', ')}): run the demo with the options it was made with, or into another folder. Nothing was changed`);
    }
  }
  checkResources(settingsOf(demoProjects(plan)[2]), { jobs, samples: 4 * plan.samples, dir, action: 'run it' });
  const t0 = performance.now();
  mkdirSync(dir, { recursive: true });
  console.log(`glassmodes demo → ${dir}`);
  console.log(
    `  3D, N = ${plan.particles}, ${plan.samples} samples per project; T* = ∞ (random positions) and T* = ${plan.lowTemperature} (${Math.min(plan.chains, plan.samples)} swap-MC chain(s): ${plan.equilibrate} sweeps to equilibrate, a parent every ${plan.sampleEvery}); tapers m = 2 and ∞`,
  );

  const results: DemoResult[] = [];
  for (const spec of demoProjects(plan)) {
    const folder = join(dir, spec.name);
    if (!existsSync(join(folder, 'project.json'))) {
      createProject(folder, settingsOf(spec), { name: spec.name, createdBy: 'demo' });
    }
    console.log(`\n${spec.name}: T* = ${spec.temperature}, m = ${spec.taper}`);
    const reporter = createProgressReporter();
    const summary = await runProject(folder, { jobs, onEvent: reporter.onEvent });
    reporter.finish();
    if (summary.failed.length) console.log(`  ${summary.failed.length} sample(s) failed; analysing the rest`);
    const analysis = analyzeProject(folder, {}, (line) => console.log('  ' + line));
    for (const line of formatSummary(analysis)) console.log('  ' + line);
    const loaded = loadEnsemble(folder);
    const modes = loaded.samples.map((x) => storedNonZeroModes(x.eigenvalues, x.modes, 3, x.diameters.length));
    const chains = chainEntries(loaded.project.settings).flatMap((c) => readChainReport(folder, c.id) ?? []);
    results.push({ name: spec.name, temperature: spec.temperature, taper: spec.taper, summary: analysis, modes, chains });
  }

  // The HET curve at a moderate disorder, for the report's theory panel.
  const het = { gamma: 0.1, bulk: 3 };
  writeFileAtomic(join(dir, 'het_gamma0.1_K3.csv'), seriesToCsv(hetSeries(hetSpectrum(het, frequencyGrid(bandEdgeEstimate(het), 300)), het)));

  const report = demoReport(results, plan, (performance.now() - t0) / 1000);
  writeFileAtomic(join(dir, 'report.md'), report);
  console.log('\n' + report);
  console.log(`report: ${join(dir, 'report.md')}`);
  return 0;
}

export interface DemoResult {
  name: string;
  temperature: number | 'inf';
  taper: number | 'inf';
  summary: AnalysisSummary;
  /** ω and PR of each sample's stored non-zero modes (for the localisation contrast). */
  modes: SampleModes[];
  /** The low-T* project's chain reports (none at T* = ∞). */
  chains: ChainReport[];
}

/** The low-T* ensemble against the T* = ∞ one of the same taper: s and the localisation contrast. */
export interface DemoContrast {
  taper: number | 'inf';
  high: string;
  low: string;
  /** s(low) − s(high), and whether the two 95 % intervals are disjoint. */
  deltaS: number;
  sDisjoint: boolean;
  localisation: EnsembleLocalisationContrast | null;
}

export function demoContrasts(results: DemoResult[]): DemoContrast[] {
  const out: DemoContrast[] = [];
  for (const high of results.filter((r) => r.temperature === 'inf')) {
    const low = results.find((r) => r.temperature !== 'inf' && r.taper === high.taper);
    if (!low) continue;
    const a = high.summary.s;
    const b = low.summary.s;
    out.push({
      taper: high.taper,
      high: high.name,
      low: low.name,
      deltaS: b.value - a.value,
      sDisjoint: b.low > a.high || a.low > b.high,
      localisation: ensembleLocalisationContrast(high.modes, low.modes, { seed: 1 }),
    });
  }
  return out;
}

export function demoReport(results: DemoResult[], plan: DemoPlan, seconds: number): string {
  const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
  const m = (t: number | 'inf') => (t === 'inf' ? '∞' : String(t));
  const chains = Math.min(plan.chains, plan.samples);
  const lines = [
    `# glassmodes demo report`,
    '',
    `glassmodes ${APP_VERSION}; 3D polydisperse IPL-12 glasses, N = ${plan.particles}, ${plan.samples} samples per project, seed ${plan.seed}; ${formatDuration(seconds)}.`,
    `High T*: uniformly random positions (T* = ∞), quenched (marginal glasses: type-I expected).`,
    `Low T*: ${chains} swap Monte Carlo chain(s) per taper at T* = ${plan.lowTemperature}, ${plan.equilibrate} sweeps to equilibrate (δ tuned towards acceptance 0.35, then frozen), then a parent every ${plan.sampleEvery} sweeps; each parent quenched.`,
    '',
    'Exponent s of g(ω) ~ ω^s from the integrated DOS F ~ ω^(s+1) below ω_0 (95 % bootstrap interval over samples),',
    'against the paper: type-I (random-matrix) s = 2; type-II (vortex-like, stress-driven) s = 3 + 2/m (Table 1).',
    '',
    '| project | T* | m | s measured | interval | type-I | type-II | ω_0 | E_IS/N | P(σ) slope (off-diag.) | predicted | ⟨r̃⟩ lowest / middle / highest |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const s = r.summary;
    lines.push(
      `| ${r.name} | ${m(r.temperature)} | ${m(r.taper)} | ${f(s.s.value)} | [${f(s.s.low)}, ${f(s.s.high)}] | 2 | ${f(s.tableOne.dos)} | ${f(s.omega0)} | ${f(s.energyPerParticle.value, 4)} ± ${f(s.energyPerParticle.error, 4)} | ${f(s.stressSlope.offDiagonal.value)} | ${f(s.stressSlope.predicted)} | ${f(s.meanRatio.lowest.value, 3)} / ${f(s.meanRatio.middle.value, 3)} / ${f(s.meanRatio.highest.value, 3)} |`,
    );
  }
  lines.push('', `⟨r̃⟩: GOE 0.5307, Poisson 0.3863. The paper (docs/PHYSICS.md §7): lowest-50 and middle windows GOE, highest-50 Poisson-like.`, '');

  lines.push('## High T* against low T*', '');
  lines.push(
    'Two measures, each with its 95 % interval: the exponent s, and the localisation of the low-T* glasses\' lowest modes against',
    'the T* = ∞ modes at the same frequencies (participation ratio PR in ω ≤ ω_w, where the low-T* ensemble has 2 modes per sample;',
    'AUC = P(PR_low > PR_high), 0.5 = no difference, bootstrap over samples). The second is the per-mode indicator that was',
    'validated (docs/REPRODUCTION.md, "Which per-mode indicator separates the classes"); the rotational fraction is not one.',
    '',
    '| taper | s at T* = ∞ | s at low T* | Δs | intervals disjoint | ω_w | modes (∞ / low) | median PR (∞ / low) | AUC [95 %] | localisation differs |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  const contrasts = demoContrasts(results);
  for (const c of contrasts) {
    const hi = results.find((r) => r.name === c.high)!.summary.s;
    const lo = results.find((r) => r.name === c.low)!.summary.s;
    const l = c.localisation;
    lines.push(
      `| m = ${m(c.taper)} | ${f(hi.value)} [${f(hi.low)}, ${f(hi.high)}] | ${f(lo.value)} [${f(lo.low)}, ${f(lo.high)}] | ${f(c.deltaS)} | ${c.sDisjoint ? 'yes' : 'no'} | ` +
        (l
          ? `${f(l.window[1], 3)} | ${l.reference.modes} / ${l.test.modes} | ${f(l.reference.medianParticipation, 3)} / ${f(l.test.medianParticipation, 3)} | ${f(l.auc, 3)} [${f(l.low, 3)}, ${f(l.high, 3)}] | ${l.separated ? 'yes' : 'no'} |`
          : '— | — | — | no stored modes in the window | — |'),
    );
  }
  const measurable = contrasts.filter((c) => c.sDisjoint || c.localisation?.separated).map((c) => `m = ${m(c.taper)}`);
  lines.push(
    '',
    measurable.length
      ? `Measurably different from type-I at this scale: ${measurable.join(', ')} (disjoint s intervals or a localisation AUC interval excluding 0.5).`
      : 'At this scale neither measure tells the low-T* ensembles from the T* = ∞ ones: run more samples (--samples), longer chains (--equilibrate) or the paper-scale reproduction.',
  );
  const warned = results.flatMap((r) => r.chains.flatMap((c) => c.warnings.map((w) => `${r.name} chain ${c.chain}: ${w}`)));
  if (warned.length) lines.push('', 'The chains said (glassmodes info <folder> has the traces):', ...warned.map((w) => `- ${w}`));
  lines.push(
    '',
    '## What this scale can and cannot resolve',
    '',
    `- It can show that glasses made at T* = ${plan.lowTemperature} differ from marginal T* = ∞ glasses: a steeper low-ω DOS (s above 2) and quasi-localised lowest modes.`,
    `- It cannot decide type-II s = 3 + 2/m (4 for m = 2 against 3 for m = ∞): ${plan.samples} samples of N = ${plan.particles} give s intervals about ${f(Math.max(...results.map((r) => r.summary.s.high - r.summary.s.low)), 1)} wide at most, the chains are ${plan.equilibrate + plan.sampleEvery * Math.ceil(plan.samples / chains)} sweeps long where τ_α at T* = 0.1 exceeds 10⁴ sweeps, and at N = ${plan.particles} the phonon gap ω_0 leaves few modes below it.`,
    '- The paper used N = 1000, ~900 samples per ensemble and 1.1×10⁶ sweeps near T_d. `glassmodes reproduce <dir> --scale paper` runs that plan (resumable; at the present speed of this lab days to weeks of one laptop, or a cluster: docs/REPRODUCTION.md, docs/CLUSTER.md); `--scale quick` checks its pipeline in minutes.',
    '',
    'Each project folder holds analysis/*.csv (every plotted series, modes.csv with ω, PR and rotational fraction per mode) and analysis/summary.json; `glassmodes info <folder>` shows the samples and the chains.',
    '',
  );
  return lines.join('\n');
}
