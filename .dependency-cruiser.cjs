/**
 * The layer rule of the whole tree, checked on the syntax tree by dependency-cruiser
 * (`npm run lint:layers`, part of `npm test`; scripts/check-layers.mjs runs it). Every import
 * counts, `import type` included: a type from main's internals couples the renderer to main just
 * as a value does.
 *
 * Who may import whom (a path not named in a row's "may import" is refused):
 *
 *   from                         may import
 *   engine/ (but engine/io/)     engine/ below it in ENGINE_ORDER (and its own folder); gpu.js from
 *                                engine/compute/ only. No Node built-ins, no Electron, no DOM code.
 *   engine/io/                   engine/, Node built-ins, tsx (the worker bootstrap of sources)
 *   the contract (CONTRACT)      the contract, engine/ (engine/io/ types only), zod
 *   figures/                     figures/, the contract, engine/ but engine/io/, react, recharts;
 *                                Node built-ins, happy-dom and resvg in figures/headless.ts only
 *   renderer/                    renderer/, the contract, figures/ but figures/headless.ts,
 *                                engine/ but engine/io/, resources/, browser packages (npm);
 *                                never main's internals, never Electron or Node built-ins
 *   preload/                     the contract's IPC half (main/ipc/contract.ts, client.ts), electron
 *   main/                        main/, engine/, Node built-ins, npm packages
 *   cli/                         cli/, engine/, figures/, Node built-ins
 *   bin/                         cli/ (from sources) or dist/ (compiled)
 *   tests/, bench/, scripts/     anything
 *
 * and no cycle anywhere (file to file, type-only imports included).
 *
 * Why dependency-cruiser: it resolves every import as TypeScript does (tsconfig.json), so a rule
 * speaks of files and folders, not of import strings; a folder-to-folder table and cycle
 * detection are its own rule kinds; and it needs no ESLint setup this project does not otherwise have.
 */

/**
 * Inside engine/: each rank may import only lower ranks (and within its own folder); folders of one
 * rank do not import each other. Files at engine/'s top (random.ts, series.ts, version.ts, wasm.ts) are the
 * base that everything may use.
 */
const ENGINE_ORDER = [
  ['linalg'], // dense and sparse eigensolvers, least squares
  ['space'], // the periodic box, cell and Verlet lists
  ['model'], // settings, diameters, potentials, energy and forces of a glass
  ['sim', 'minimize', 'hessian', 'compute'], // swap Monte Carlo; L-BFGS/FIRE; the Hessian; gpu.js kernels
  ['spectrum'], // the spectrum of an inherent structure
  ['theory'], // HET-SCBA, GHET, mode coupling, table 1
  ['analysis'], // the observables of an ensemble
  ['pipeline'], // the stages of a sample and of a chain
  ['io'], // files, project folders, workers: the Node corner
];

const CONTRACT = '^main/ipc/(contract|client)\\.ts$|^main/compute/protocol\\.ts$';
const IPC_CONTRACT = '^main/ipc/(contract|client)\\.ts$';
const ENGINE_CORE = '^engine/(?!io/)';
const NPM = ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pkg = (...names) => names.map((n) => `^node_modules/${escape(n)}/`);

/** "from may import only to": refused where the target matches none of `to` (nor a type listed in `types`). */
function only(name, comment, from, to, types = []) {
  return { name, comment, severity: 'error', from, to: { pathNot: to, ...(types.length ? { dependencyTypesNot: types } : {}) } };
}

const engineOrder = ENGINE_ORDER.flatMap((rank, r) =>
  rank.map((folder) => {
    const notAbove = ENGINE_ORDER.slice(r).flat().filter((f) => f !== folder);
    return {
      name: `engine-order-${folder}`,
      comment: `engine/${folder}/ may import engine/ folders below it only (ENGINE_ORDER), not ${notAbove.map((f) => `${f}/`).join(', ')}`,
      severity: 'error',
      from: { path: `^engine/${folder}/` },
      to: { path: `^engine/(${notAbove.join('|')})/` },
    };
  }),
);

module.exports = {
  forbidden: [
    { name: 'no-cycle', comment: 'no import cycle anywhere: move the shared piece down a layer', severity: 'error', from: {}, to: { circular: true } },
    { name: 'not-to-unresolvable', comment: 'every import resolves (a typo or a missing package would hide a dependency)', severity: 'error', from: {}, to: { couldNotResolve: true } },

    ...engineOrder,
    {
      name: 'engine-base',
      comment: "engine/'s top files (random.ts, series.ts, version.ts, wasm.ts) are the base: they import no engine folder",
      severity: 'error',
      from: { path: '^engine/[^/]+\\.ts$' },
      to: { path: '^engine/[^/]+/' },
    },
    only('engine-core-pure', 'engine/ outside engine/io/ imports engine/ only: no Node built-ins, no Electron, no UI, no app layer', { path: ENGINE_CORE, pathNot: '^engine/compute/' }, [ENGINE_CORE]),
    only('engine-compute-pure', 'engine/compute/ imports engine/ (not engine/io/) and gpu.js only', { path: '^engine/compute/' }, [ENGINE_CORE, ...pkg('gpu.js')]),
    only('engine-io', 'engine/io/ (the Node corner) imports engine/, Node built-ins and tsx only', { path: '^engine/io/' }, ['^engine/', ...pkg('tsx')], ['core']),

    only('contract', 'the contract (main/ipc/contract.ts, client.ts, main/compute/protocol.ts) imports the contract, engine/ and zod only', { path: CONTRACT }, [CONTRACT, ENGINE_CORE, '^engine/io/', ...pkg('zod')]),
    {
      name: 'contract-engine-io-types-only',
      comment: 'the contract takes only types from engine/io/ (renderer and preload load it; engine/io/ is Node)',
      severity: 'error',
      from: { path: CONTRACT },
      to: { path: '^engine/io/', dependencyTypesNot: ['type-only'] },
    },

    only('figures', 'figures/ imports figures/, the contract, engine/ (not engine/io/), resources/ and npm packages', { path: '^figures/' }, ['^figures/', CONTRACT, ENGINE_CORE, '^resources/'], ['core', ...NPM]),
    {
      name: 'figures-browser-safe',
      comment: 'figures/ is drawn in the renderer too: happy-dom and resvg (and Electron never) only in figures/headless.ts',
      severity: 'error',
      from: { path: '^figures/', pathNot: '^figures/headless\\.ts$' },
      to: { path: '^node_modules/(happy-dom|@resvg|electron)/' },
    },
    { name: 'figures-no-core', comment: 'figures/ is drawn in the renderer too: Node built-ins only in figures/headless.ts', severity: 'error', from: { path: '^figures/', pathNot: '^figures/headless\\.ts$' }, to: { dependencyTypes: ['core'] } },

    only('renderer', "renderer/ imports renderer/, the contract, figures/, engine/ (not engine/io/), resources/ and browser packages: never main's internals", { path: '^renderer/' }, ['^renderer/', CONTRACT, '^figures/', ENGINE_CORE, '^resources/'], NPM),
    { name: 'renderer-not-headless', comment: 'figures/headless.ts is Node only (happy-dom, resvg, fs): the renderer draws with FigureView', severity: 'error', from: { path: '^renderer/' }, to: { path: '^figures/headless\\.ts$' } },
    { name: 'renderer-no-electron', comment: 'the renderer is a sandboxed page: it reaches main through window.glassmodes (preload), not Electron', severity: 'error', from: { path: '^renderer/' }, to: { path: '^node_modules/electron/' } },
    { name: 'renderer-no-node', comment: 'the renderer is a sandboxed page: no Node built-ins', severity: 'error', from: { path: '^renderer/' }, to: { dependencyTypes: ['core'] } },

    only('preload', "preload/ imports the IPC contract (main/ipc/contract.ts, client.ts) and electron only", { path: '^preload/' }, [IPC_CONTRACT, ...pkg('electron')]),
    only('main', 'main/ imports main/, engine/, Node built-ins and npm packages: not renderer/, preload/, cli/, figures/', { path: '^main/' }, ['^main/', '^engine/'], ['core', ...NPM]),
    only('cli', 'cli/ imports cli/, engine/, figures/ and Node built-ins: not main/, preload/, renderer/', { path: '^cli/' }, ['^cli/', '^engine/', '^figures/'], ['core']),
    only('bin', 'bin/ starts the CLI: cli/ from sources or dist/ compiled', { path: '^bin/' }, ['^cli/', '^dist/'], ['core', ...NPM]),
  ],
  options: {
    tsPreCompilationDeps: true,
    // node_modules may be a symbolic link (a shared install): name packages by their link path
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '^node_modules' },
    exclude: { path: '^(out|dist|release)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
  },
};
