/**
 * glassmodes, headless (docs/DESIGN.md "Headless CLI"): the same engine and stage runner as the app,
 * for batch runs, scripts and cluster jobs writing into one project folder.
 */
import { APP_VERSION } from '../engine/version';
import { EXIT, installProcessHandlers, reportError } from './errors';
import { analyzeCommand, ANALYZE_USAGE, theoryCommand, THEORY_USAGE } from './commands/analysis';
import { demoCommand, DEMO_USAGE } from './commands/demo';
import { compareCommand, COMPARE_USAGE } from './commands/compare';
import { figureCommand, FIGURE_USAGE } from './commands/figure';
import { infoCommand, INFO_USAGE, newCommand, NEW_USAGE, runCommand, RUN_USAGE } from './commands/project';
import { relaxationCommand, RELAXATION_USAGE } from './commands/relaxation';
import { reproduceCommand, REPRODUCE_USAGE } from './commands/reproduce';
import { exportModesCommand, EXPORT_MODES_USAGE, importCommand, IMPORT_USAGE } from './commands/exchange';
import { slurmCommand, SLURM_USAGE } from './commands/slurm';
import { modesCommand, MODES_USAGE } from './commands/modes';
import { installGemmWorker } from '../engine/io/gemmWorker';

type Command = { usage: string; summary: string; run: (args: string[]) => number | Promise<number> };

export const COMMANDS: Record<string, Command> = {
  new: { usage: NEW_USAGE, summary: 'create a project folder from settings', run: newCommand },
  run: { usage: RUN_USAGE, summary: 'run what is pending (resumable; --samples a-b for cluster array tasks)', run: runCommand },
  import: { usage: IMPORT_USAGE, summary: 'a project from configurations made elsewhere (extended XYZ from ASE/OVITO, LAMMPS data and dump files)', run: importCommand },
  'export-modes': { usage: EXPORT_MODES_USAGE, summary: 'stored modes as extended XYZ with per-particle fields for OVITO and ASE, or a mode animation', run: exportModesCommand },
  info: { usage: INFO_USAGE, summary: 'what is there, what is pending', run: infoCommand },
  modes: { usage: MODES_USAGE, summary: "one sample's stored modes: ω, PR and, against a T* = ∞ project, PR at the same ω (the validated indicator); zero modes marked", run: modesCommand },
  analyze: { usage: ANALYZE_USAGE, summary: 'observables and theory into analysis/ (CSV series, summary.json)', run: analyzeCommand },
  compare: { usage: COMPARE_USAGE, summary: 'inherent-structure energy (and s, G, ω_0) across projects at different T*', run: compareCommand },
  demo: { usage: DEMO_USAGE, summary: 'the main job: small glasses at two T*, tapers 2 and ∞, spectra, analysis, a report', run: demoCommand },
  theory: { usage: THEORY_USAGE, summary: 'HET-SCBA curves (continuum or finite box) as CSV', run: theoryCommand },
  relaxation: { usage: RELAXATION_USAGE, summary: 'τ_α(T) of swap-free MC and the mode-coupling fit for T_d (long runs near T_d: a cluster job)', run: relaxationCommand },
  reproduce: { usage: REPRODUCE_USAGE, summary: "the paper's Figs. 2–4: one project per ensemble (tapers 2, ∞, LJ; T* = ∞ and a ladder), run, analysed, report.md and figures (resumable)", run: reproduceCommand },
  slurm: { usage: SLURM_USAGE, summary: 'the same runs as a SLURM array (one task per share of samples or chains), requeued from checkpoints, then analyze (docs/CLUSTER.md)', run: slurmCommand },
  figure: { usage: FIGURE_USAGE, summary: 'one figure (dos, idos, level-ratio, stress, het, …) as SVG or PNG, drawn as the app draws it', run: figureCommand },
};

function help(): string {
  const lines = [`glassmodes ${APP_VERSION}: vibrational modes of model glasses (Schirmacher et al., Nat. Commun. 2024)`, '', 'commands:'];
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(width)} ${c.summary}`, `${' '.repeat(width + 3)}${c.usage}`);
  return lines.join('\n');
}

/**
 * Runs one command and returns its exit code (docs/CLI.md "Exit codes"). Every error ends in
 * cli/errors.ts: one message with the cause and what to do, never a stack trace.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  installProcessHandlers(() => (name && COMMANDS[name] ? name : ''));
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === 'version') {
    console.log(APP_VERSION);
    return EXIT.ok;
  }
  // The SIMD gemm of the dense path and the certificate's factor may split its large products with a
  // helper thread (started when first needed; GLASSMODES_THREADS=1: one thread).
  installGemmWorker();
  const command = COMMANDS[name];
  if (!command) {
    console.error(`glassmodes: unknown command '${name}'\n\n${help()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    return reportError(error, name);
  }
}
