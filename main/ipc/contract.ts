/**
 * The one contract between the renderer and the main process (docs/DESIGN.md "Processes", after VS Code: processes
 * talk only through one typed contract). Every call is `namespace.method(payload)`; the payload is
 * checked against the zod schema here on the main side before a service sees it. The preload (and
 * the browser test bridge) expose exactly these calls as `window.glassmodes`.
 *
 * This file has no Electron and no Node imports: main, preload, renderer and the test bridge all
 * import it.
 */
import { z } from 'zod';
import type { ProjectFile, SampleStatus } from '../../engine/io/project';
import type { ProjectSettings } from '../../engine/model/settings';
import type { ChainReport } from '../../engine/pipeline/chain';
import type { AnalysisData, ModeData, ParticleFields, SampleSpectrum } from '../../engine/io/results';
import type { ModeExportFile } from '../../engine/io/modeExport';

// ---- shared shapes (results are typed, payloads are validated) ------------------------------

export const backends = ['webgpu', 'webgl2', 'webasm', 'cpu'] as const;
export type Backend = (typeof backends)[number];

export type SampleState = SampleStatus['state'];

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
  /** Counts of samples by state, read from disk when the list was asked for. */
  counts?: Partial<Record<SampleState, number>>;
  total?: number;
  /** Set when the folder is gone or its project.json no longer opens. */
  problem?: string;
}

export interface ProjectDetail {
  path: string;
  project: ProjectFile;
  samples: SampleStatus[];
}

export type JobState = 'queued' | 'running' | 'pausing' | 'paused' | 'cancelling' | 'cancelled' | 'done' | 'failed' | 'interrupted';

export interface SampleProgress {
  sampleId: string;
  stage: 'parent' | 'quench' | 'spectrum' | 'elasticity';
  /** Fraction of the current stage, 0..1. */
  fraction: number;
  message: string;
  /** Estimated seconds left in this stage, from its rate so far. */
  etaSeconds?: number;
}

/** A chain's report as the Jobs view gets it: F_s left out, the E/N trace at most 200 points. */
export type ChainReportView = Omit<ChainReport, 'relaxation'>;

/** One chain of a job on a project of chains. */
export interface ChainSnapshot {
  chainId: string;
  /** Parents (samples) this chain yields, and how many of them are finished (or failed) on disk. */
  samples: number;
  done: number;
  failed: number;
  /** Sweeps of the whole chain: equilibrate + samples · sampleEvery. */
  totalSweeps: number;
  /** The latest report, from a 'chain-report' event or chains/<id>/chain.json; none before the chain started. */
  report?: ChainReportView;
}

export interface JobSnapshot {
  id: string;
  project: string;
  projectName: string;
  samples?: [number, number];
  state: JobState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Samples this job covers, and how many of them are done / failed on disk. */
  total: number;
  done: number;
  failed: number;
  /** Overall fraction 0..1 (finished samples plus the stage fractions of running ones). */
  fraction: number;
  /** Estimated seconds left, once there is enough progress to estimate it. */
  etaSeconds?: number;
  /** In a project of chains, `sampleId` of a running entry is the chain id (c000…). */
  running: SampleProgress[];
  /** The chains of this job (projects of chains only), in order. */
  chains?: ChainSnapshot[];
  log: string[];
  error?: string;
}

export interface ResumeOffer {
  project: string;
  name: string;
  pending: number;
  total: number;
  /** True when a job on this project was running or queued when the app last stopped. */
  interrupted: boolean;
}

export interface Preferences {
  /** Worker threads per run (one sample each). */
  jobs: number;
  /** Where "New project" suggests folders. */
  projectsFolder: string;
  /** Offer to resume unfinished projects at start-up. */
  offerResume: boolean;
}

export interface ComputeStatus {
  /** Backends in the order they are tried. */
  order: Backend[];
  /** The backend of the last successful kernel run, if any. */
  lastBackend?: Backend;
  /** Every attempt of the last request: which backend, and why it failed if it did. */
  attempts: { backend: Backend; ok: boolean; error?: string; ms?: number }[];
  /** Whether a compute host exists in this process (false in the browser test bridge). */
  available: boolean;
  note?: string;
}

export interface AppInfo {
  version: string;
  platform: string;
  versions: Record<string, string>;
  /** 'electron' in the desktop app, 'bridge' in the browser test bridge. */
  host: 'electron' | 'bridge';
}

export interface ConfigurationData {
  dim: number;
  side: number;
  positions: number[];
  diameters: number[];
  kind: 'config' | 'parent';
}

// Results for the views: defined beside the engine functions that produce them (engine/io/results.ts).
export type { AnalysisData, ModeData, ParticleFields, SampleSpectrum, SeriesData } from '../../engine/io/results';

export type ExportKind = 'svg' | 'png' | 'csv' | 'webm' | 'gif' | 'json' | 'extxyz';
export type { ModeExportFile } from '../../engine/io/modeExport';

/**
 * The expected Monte Carlo time of a new project (engine/pipeline/estimate.ts), measured on this
 * machine before it is created; null when it has no Monte Carlo (T* = ∞ or no sweeps).
 */
export interface MonteCarloTime {
  /** Attempts per second on one core at this N, taper and T*. */
  rate: number;
  /** Seconds of the longest work unit (a sample, or a chain), and of all of them on one core. */
  perUnitSeconds: number;
  totalSeconds: number;
  unit: 'sample' | 'chain';
  /** Worker threads a run would use (the preference, at most one per unit), and the wall time with them. */
  workers: number;
  wallSeconds: number;
}

export type ValidationResult =
  | { ok: true; settings: ProjectSettings }
  | { ok: false; setting: string; allowed: string; message: string };

// ---- payload schemas -------------------------------------------------------------------------

const dir = z.string().min(1, 'a folder path is required').max(4096);
const jobId = z.string().min(1).max(64);
const sampleId = z.string().regex(/^s\d{4,}$/, 'a sample id such as s0000');
const settingsInput = z.record(z.string(), z.unknown());
const sampleRange = z
  .tuple([z.number().int().min(0), z.number().int().min(0)])
  .refine(([a, b]) => a <= b, 'the first sample index must not exceed the last');

const none = z.undefined().optional();

/** A call: the zod schema of its payload and (as a phantom type) its result. */
interface Call<S extends z.ZodType, R> {
  input: S;
  result?: R;
}
const call = <R>() => <S extends z.ZodType>(input: S): Call<S, R> => ({ input });

export const contract = {
  app: {
    info: call<AppInfo>()(none),
  },
  projects: {
    recent: call<RecentProject[]>()(none),
    create: call<ProjectDetail>()(z.object({ dir, name: z.string().min(1).max(200).optional(), settings: settingsInput })),
    open: call<ProjectDetail>()(z.object({ dir })),
    import: call<ProjectDetail>()(z.object({ dir })),
    /**
     * A new project from configuration files made elsewhere (`glassmodes import`): extended XYZ,
     * LAMMPS data or dump files; settings holds the model (potential), quench and spectrum sections.
     */
    importGlass: call<ProjectDetail>()(
      z.object({
        dir,
        files: z.array(z.string().min(1).max(4096)).min(1, 'at least one configuration file').max(10000),
        settings: settingsInput,
        format: z.enum(['extxyz', 'lammps-data', 'lammps-dump']).optional(),
        dim: z.union([z.literal(2), z.literal(3)]).optional(),
        diametersFrom: z.string().min(1).max(10000).optional(),
        mode: z.enum(['as-is', 'quench']),
        name: z.string().min(1).max(200).optional(),
      }),
    ),
    /** A native picker for configuration files to import; null when cancelled or where none exists (browser bridge). */
    chooseFiles: call<string[] | null>()(z.object({ purpose: z.literal('import') })),
    status: call<ProjectDetail>()(z.object({ dir })),
    rename: call<ProjectDetail>()(z.object({ dir, name: z.string().trim().min(1).max(200) })),
    remove: call<{ removed: string }>()(z.object({ dir })),
    forget: call<RecentProject[]>()(z.object({ dir })),
    /** A native folder picker; null when cancelled or where none exists (browser bridge). */
    chooseFolder: call<string | null>()(z.object({ purpose: z.enum(['new', 'open']) })),
    /** The expected Monte Carlo time of these settings (a short measured run in main, ~0.5 s). */
    estimate: call<MonteCarloTime | null>()(z.object({ settings: settingsInput })),
    configuration: call<ConfigurationData>()(z.object({ dir, sampleId: z.string().regex(/^s\d{4,}$/), kind: z.enum(['config', 'parent']) })),
  },
  settings: {
    defaults: call<ProjectSettings>()(none),
    validate: call<ValidationResult>()(z.object({ settings: settingsInput })),
    preferences: call<Preferences>()(none),
    setPreferences: call<Preferences>()(
      z.object({
        jobs: z.number().int().min(1).max(256).optional(),
        projectsFolder: z.string().min(1).max(4096).optional(),
        offerResume: z.boolean().optional(),
      }),
    ),
  },
  jobs: {
    list: call<JobSnapshot[]>()(none),
    enqueue: call<JobSnapshot>()(z.object({ dir, samples: sampleRange.optional() })),
    cancel: call<JobSnapshot>()(z.object({ id: jobId })),
    pause: call<JobSnapshot>()(z.object({ id: jobId })),
    resume: call<JobSnapshot>()(z.object({ id: jobId })),
    remove: call<JobSnapshot[]>()(z.object({ id: jobId })),
    resumeOffers: call<ResumeOffer[]>()(none),
  },
  results: {
    /** analysis/ as on disk (summary.json and every CSV); null when the project was never analysed. */
    analysis: call<AnalysisData | null>()(z.object({ dir })),
    /** Runs `glassmodes analyze` (same engine function, in a worker thread), writes analysis/, returns it. */
    analyze: call<AnalysisData>()(z.object({ dir })),
    /** The observables of one sample alone, computed in memory (nothing written). */
    sampleAnalysis: call<AnalysisData>()(z.object({ dir, sampleId })),
    spectrum: call<SampleSpectrum>()(z.object({ dir, sampleId })),
    mode: call<ModeData>()(z.object({ dir, sampleId, index: z.number().int().min(0), gridSpacing: z.number().positive().max(100).optional() })),
    particleFields: call<ParticleFields>()(z.object({ dir, sampleId })),
    /** Stored modes as extended XYZ for OVITO and ASE (`glassmodes export-modes`); the renderer saves the text with export.save. */
    exportModes: call<ModeExportFile>()(
      z.object({
        dir,
        sampleId,
        modes: z.string().min(1).max(1000),
        animate: z.boolean().optional(),
        frames: z.number().int().min(2).max(10000).optional(),
        amplitude: z.number().positive().max(1e6).optional(),
      }),
    ),
  },
  export: {
    /**
     * Saves an exported figure, table or movie: a save dialog in the app (null when cancelled); in
     * the browser bridge, written to its export folder. The bytes travel as base64.
     */
    save: call<{ path: string } | null>()(
      z.object({
        name: z.string().min(1).max(255).regex(/^[^/\\]+$/, 'a file name, not a path'),
        kind: z.enum(['svg', 'png', 'csv', 'webm', 'gif', 'json', 'extxyz']),
        base64: z.string().max(512 * 1024 * 1024),
      }),
    ),
  },
  compute: {
    status: call<ComputeStatus>()(none),
    /** Runs a small known kernel on each backend in turn and reports which ran. */
    probe: call<ComputeStatus>()(none),
  },
} as const;

export type Contract = typeof contract;
export type Namespace = keyof Contract;

type CallOf<N extends Namespace, M extends keyof Contract[N]> = Contract[N][M];
type InputOf<C> = C extends Call<infer S, unknown> ? z.input<S> : never;
type ResultOf<C> = C extends Call<z.ZodType, infer R> ? R : never;

/** window.glassmodes: one async function per call, plus event subscription. */
export type GlassmodesApi = {
  [N in Namespace]: {
    [M in keyof Contract[N]]: undefined extends InputOf<CallOf<N, M>>
      ? (payload?: InputOf<CallOf<N, M>>) => Promise<ResultOf<CallOf<N, M>>>
      : (payload: InputOf<CallOf<N, M>>) => Promise<ResultOf<CallOf<N, M>>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (data: Events[E]) => void): () => void;
};

/** Progress of an analysis in flight (results.analyze, or results.sampleAnalysis with its sampleId). */
export interface AnalysisProgressEvent {
  dir: string;
  sampleId?: string;
  fraction: number;
  message: string;
}

/** Pushed from main to the renderer. */
export interface Events {
  jobs: JobSnapshot[];
  compute: ComputeStatus;
  analysis: AnalysisProgressEvent;
  /** A menu item asked the renderer to go somewhere (e.g. 'projects', 'setup'). */
  navigate: string;
}
export type EventName = keyof Events;
export const eventNames = ['jobs', 'compute', 'analysis', 'navigate'] as const satisfies readonly EventName[];

/** Every call as 'namespace.method', for building the API object without listing it twice. */
export const channels: string[] = Object.entries(contract).flatMap(([ns, calls]) => Object.keys(calls).map((m) => `${ns}.${m}`));

/** Electron IPC channel names (one invoke channel, one event channel). */
export const IPC_INVOKE = 'glassmodes:invoke';
export const IPC_EVENT = 'glassmodes:event';

/** What travels back for every call: the result, or an error the renderer can show. */
export type Envelope = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; setting?: string } };
