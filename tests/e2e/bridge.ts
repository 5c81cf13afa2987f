/**
 * The browser test bridge (docs/DESIGN.md "Testing where the desktop binary is missing"): a Node HTTP
 * server on 127.0.0.1 that serves the built renderer (out/renderer) and exposes the real
 * main-process services through the very dispatcher the Electron main process uses. The page gets
 * `window.glassmodes` from shim.ts instead of the preload. Only two things differ from the app:
 * the page's CSP allows connect-src 'self' (to reach this server), and there is no native folder
 * picker or compute window (the compute page is driven directly by the GPU test).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, renameSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { extname, join, normalize, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createDispatcher } from '../../main/ipc/dispatch';
import { createHandlers } from '../../main/ipc/handlers';
import type { EventName, Events } from '../../main/ipc/contract';
import { JobQueue } from '../../main/services/job-queue';
import { ProjectService } from '../../main/services/project-service';
import { SettingsService } from '../../main/services/settings-service';
import { ResultsService } from '../../main/services/results-service';
import { writeFileAtomic } from '../../engine/io/files';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const rendererDir = join(repoRoot, 'out/renderer');

const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Newest modification time under a folder. */
function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/**
 * Test what the sources say, not a stale build: rebuilds out/ (electron-vite build) when renderer,
 * main, preload or engine changed since the last build. Test files run in parallel, so one builds
 * while the others wait on a lock folder.
 */
export async function ensureRendererBuild(): Promise<void> {
  const lock = join(repoRoot, 'out/.e2e-build-lock');
  const stale = () => {
    const built = join(rendererDir, 'compute.html');
    const sources = Math.max(...['renderer', 'main', 'engine', 'preload'].map((d) => newest(join(repoRoot, d))));
    return !existsSync(built) || statSync(built).mtimeMs < sources;
  };
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 5 minutes is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - t0 > 300_000) throw new Error(`waited 5 minutes for ${lock}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (stale()) execFileSync(process.execPath, [join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Bridge {
  url: string;
  /** Where export.save writes in the bridge (the app shows a save dialog instead). */
  exportDir: string;
  services: { projects: ProjectService; settings: SettingsService; jobs: JobQueue; results: ResultsService };
  close(): Promise<void>;
}

export async function startBridge(stateDir: string, workers = 1): Promise<Bridge> {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`${rendererDir} has no build: run \`npx electron-vite build\` first`);
  const shim = await build({ entryPoints: [join(repoRoot, 'tests/e2e/shim.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'silent' });
  const shimSource = shim.outputFiles[0].text;

  const trash = join(stateDir, 'trash');
  const projects = new ProjectService({ stateDir, trash: async (path) => { mkdirSync(trash, { recursive: true }); renameSync(path, join(trash, `${Date.now()}-${basename(path)}`)); } });
  const settings = new SettingsService(stateDir, { jobs: workers });
  const jobs = new JobQueue({ stateDir, recentProjects: () => projects.recentPaths(), workers: () => settings.preferences().jobs });
  const results = new ResultsService();
  const exportDir = join(stateDir, 'exports');
  const dispatch = createDispatcher(
    createHandlers(
      { projects, jobs, settings, results },
      {
        host: 'bridge',
        versions: { node: process.versions.node },
        chooseFolder: async () => null,
        chooseFiles: async () => null,
        // No native dialog in a browser: a path typed into a field stands for one the user confirmed
        // (the app asks in a main-process message box; main/security.ts PathGuard).
        confirmFolder: async () => true,
        computeStatus: () => ({ order: ['webgpu', 'webgl2', 'webasm', 'cpu'], attempts: [], available: false, note: 'no compute window in the browser bridge' }),
        computeProbe: async () => ({ order: ['webgpu', 'webgl2', 'webasm', 'cpu'], attempts: [], available: false, note: 'no compute window in the browser bridge' }),
        // No save dialog in a browser: exports go to <stateDir>/exports/<name>, where tests read them.
        saveExport: async (name, _kind, bytes) => {
          const path = join(exportDir, name);
          writeFileAtomic(path, bytes);
          return { path };
        },
      },
    ),
  );

  const streams = new Set<ServerResponse>();
  const push = <E extends EventName>(event: E, data: Events[E]) => {
    for (const s of streams) s.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const offJobs = jobs.onChange((list) => push('jobs', list));
  const offAnalysis = results.onAnalysisProgress((event) => push('analysis', event));

  const page = (name: string) =>
    readFileSync(join(rendererDir, name), 'utf8')
      .replaceAll("connect-src 'none'", "connect-src 'self'")
      .replace('<script type="module"', '<script src="/__bridge/shim.js"></script>\n    <script type="module"');

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/__bridge/invoke') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', async () => {
        let reply;
        try {
          const { channel, payload } = JSON.parse(body) as { channel: unknown; payload: unknown };
          reply = await dispatch(channel, payload === null ? undefined : payload);
        } catch (error) {
          reply = { ok: false, error: { name: 'BridgeError', message: (error as Error).message } };
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
      return;
    }
    if (url.pathname === '/__bridge/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname === '/__bridge/shim.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(shimSource);
      return;
    }
    const path = url.pathname === '/' ? 'index.html' : normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const file = join(rendererDir, path);
    if (path.startsWith('..') || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const content = path === 'index.html' ? page(path) : readFileSync(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    exportDir,
    services: { projects, settings, jobs, results },
    async close() {
      offJobs();
      offAnalysis();
      for (const s of streams) s.end();
      await jobs.shutdown();
      await results.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
