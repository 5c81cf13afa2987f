// Issue 12 item 7: the Electron main process's guards, run in Node without an Electron binary
// (as tests/main-services.test.ts does): the dev-server URL only unpackaged, navigation and IPC
// only from the app's own origin, project folders from the renderer only when chosen in a
// main-process dialog or known to the project manager, and the fuses in electron-builder.yml.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { devServerUrl, isAllowedSender, originGuard, PathGuard } from '../main/security';
import { createDispatcher } from '../main/ipc/dispatch';
import { createHandlers, type HostHooks } from '../main/ipc/handlers';
import { ProjectService } from '../main/services/project-service';
import { SettingsService } from '../main/services/settings-service';
import { JobQueue } from '../main/services/job-queue';
import { ResultsService } from '../main/services/results-service';
import { repoRoot } from './helpers/reference';

const rendererRoot = pathToFileURL('/opt/glassmodes/resources/app.asar/out/renderer/').href;

describe('the dev-server URL', () => {
  it('is honoured only in an unpackaged build, and only on the loopback', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };
    expect(devServerUrl(env, false)).toBe('http://localhost:5173');
    expect(devServerUrl(env, true)).toBeUndefined();
    expect(devServerUrl({ ELECTRON_RENDERER_URL: 'https://evil.example.com' }, false)).toBeUndefined();
    expect(devServerUrl({ ELECTRON_RENDERER_URL: 'file:///tmp/x/' }, false)).toBeUndefined();
    expect(devServerUrl({ ELECTRON_RENDERER_URL: 'not a url' }, false)).toBeUndefined();
    expect(devServerUrl({}, false)).toBeUndefined();
  });
});

describe('navigation, requests and IPC from the app’s own origin only', () => {
  const packaged = originGuard(rendererRoot);
  const dev = originGuard(rendererRoot, 'http://localhost:5173');

  it('the app’s own renderer files are its documents; data:, blob:, other files and the network are not', () => {
    expect(packaged.isAppDocument(rendererRoot + 'index.html')).toBe(true);
    expect(packaged.isAppDocument(rendererRoot + 'index.html#/projects')).toBe(true);
    expect(packaged.isAppDocument(rendererRoot + 'compute.html')).toBe(true);
    for (const url of [
      'data:text/html,<script>glassmodes.projects.remove({dir:"/"})</script>',
      'blob:file:///0b5e6f9e-1111-2222-3333-444455556666',
      'file:///etc/passwd',
      'file:///home/user/Downloads/evil.html',
      rendererRoot + '../../../../../../home/user/evil.html',
      rendererRoot + '%2e%2e/%2e%2e/evil.html',
      'file:///opt/glassmodes/resources/app.asar/out/renderer-evil/index.html',
      'file://remote-host/opt/glassmodes/resources/app.asar/out/renderer/index.html',
      'https://example.com/',
      'http://localhost:5173/index.html',
      'javascript:alert(1)',
      'about:blank',
    ]) {
      expect(packaged.isAppDocument(url), url).toBe(false);
      expect(packaged.isAllowedNavigation(url), url).toBe(false);
      expect(packaged.isAllowedRequest(url, 'mainFrame'), url).toBe(false);
      expect(packaged.isAllowedRequest(url, 'subFrame'), url).toBe(false);
    }
  });

  it('unpackaged, the dev server’s origin is the app’s too, and nothing else on the network', () => {
    expect(dev.isAllowedNavigation('http://localhost:5173/index.html')).toBe(true);
    expect(dev.isAllowedNavigation('http://localhost:5174/index.html')).toBe(false);
    expect(dev.isAllowedNavigation('http://127.0.0.1:5173/index.html')).toBe(false);
    expect(dev.isAllowedRequest('https://cdn.example.com/lib.js', 'script')).toBe(false);
  });

  it('data: and blob: load only as subresources a page made itself, never as a frame', () => {
    expect(packaged.isAllowedRequest('data:image/png;base64,iVBORw0KGgo=', 'image')).toBe(true);
    expect(packaged.isAllowedRequest('blob:file:///0b5e6f9e', 'other')).toBe(true);
    expect(packaged.isAllowedRequest('data:text/html,hi', 'mainFrame')).toBe(false);
    expect(packaged.isAllowedRequest('https://example.com/x.png', 'image')).toBe(false);
    expect(packaged.isAllowedRequest('file:///etc/passwd', 'xhr')).toBe(false);
  });

  it('IPC is served only to the main window’s main frame showing an app document', () => {
    const ok = { isMainWindow: true, isMainFrame: true, frameUrl: rendererRoot + 'index.html#/spectra' };
    expect(isAllowedSender(packaged, ok)).toBe(true);
    expect(isAllowedSender(packaged, { ...ok, frameUrl: 'data:text/html,x' })).toBe(false);
    expect(isAllowedSender(packaged, { ...ok, frameUrl: 'blob:file:///0b5e6f9e' })).toBe(false);
    expect(isAllowedSender(packaged, { ...ok, frameUrl: 'file:///tmp/evil.html' })).toBe(false);
    expect(isAllowedSender(packaged, { ...ok, frameUrl: undefined })).toBe(false);
    expect(isAllowedSender(packaged, { ...ok, isMainFrame: false })).toBe(false);
    expect(isAllowedSender(packaged, { ...ok, isMainWindow: false })).toBe(false);
  });
});

describe('project folders named by the renderer', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'glassmodes-security-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const tiny = { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: false }, samples: 1, seed: 2 };

  function app(hooks: Partial<HostHooks> = {}) {
    const stateDir = join(scratch, 'state');
    const trashed: string[] = [];
    const projects = new ProjectService({ stateDir, trash: async (path) => void trashed.push(path) });
    const settings = new SettingsService(stateDir, { projectsFolder: scratch });
    const jobs = new JobQueue({ stateDir, recentProjects: () => projects.recentPaths(), workers: () => 1 });
    const results = new ResultsService();
    const status = () => ({ order: [], attempts: [], available: false });
    const dispatch = createDispatcher(
      createHandlers({ projects, jobs, settings, results }, { host: 'electron', versions: {}, chooseFolder: async () => null, computeStatus: status, computeProbe: async () => status(), saveExport: async () => null, ...hooks }),
    );
    return { dispatch, projects, trashed, results };
  }

  it('create, open, remove and the rest refuse a path neither chosen in the dialog nor known, and write nothing', async () => {
    const { dispatch, trashed, results } = app();
    const target = join(scratch, 'anywhere');
    const created = await dispatch('projects.create', { dir: target, settings: tiny });
    expect(created).toMatchObject({ ok: false, error: { message: expect.stringMatching(/was not chosen in a folder dialog and is not a project this app knows: choose it with Browse/) } });
    expect(existsSync(target)).toBe(false);
    // A project on disk (made by the CLI, say) that the app does not know: not opened, not trashed, not read.
    const other = join(scratch, 'other');
    new ProjectService({ stateDir: join(scratch, 'elsewhere'), trash: async () => {} }).create(other, tiny);
    for (const [channel, payload] of [
      ['projects.open', { dir: other }],
      ['projects.import', { dir: other }],
      ['projects.status', { dir: other }],
      ['projects.rename', { dir: other, name: 'x' }],
      ['jobs.enqueue', { dir: other }],
      ['results.analysis', { dir: other }],
    ] as const) {
      expect(await dispatch(channel, payload), channel).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not chosen in a folder dialog/) } });
    }
    expect(await dispatch('projects.remove', { dir: other })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/is not a project this app knows: only a project opened here/) } });
    expect(trashed).toEqual([]);
    expect(JSON.parse(readFileSync(join(other, 'project.json'), 'utf8')).name).toBe('other');
    await results.shutdown();
  });

  it('a folder chosen in the main-process dialog is accepted, and once opened the project is known', async () => {
    const target = join(scratch, 'picked');
    const { dispatch, trashed, results } = app({ chooseFolder: async () => target });
    expect(await dispatch('projects.chooseFolder', { purpose: 'new' })).toEqual({ ok: true, value: target });
    const created = await dispatch('projects.create', { dir: target, settings: tiny });
    expect(created.ok, JSON.stringify(created)).toBe(true);
    expect(existsSync(join(target, 'project.json'))).toBe(true);
    expect((await dispatch('projects.status', { dir: target })).ok).toBe(true);
    expect((await dispatch('projects.remove', { dir: target })).ok).toBe(true);
    expect(trashed).toEqual([target]);
    await results.shutdown();
  });

  it('a typed path is used only when the user confirms it in main; never for the trash', async () => {
    const asked: string[] = [];
    let answer = false;
    const { dispatch, trashed, results } = app({ confirmFolder: async (use, path) => (asked.push(`${use} ${path}`), answer) });
    const target = join(scratch, 'typed');
    expect((await dispatch('projects.create', { dir: target, settings: tiny })).ok).toBe(false);
    expect(existsSync(target)).toBe(false);
    answer = true;
    expect((await dispatch('projects.create', { dir: target, settings: tiny })).ok).toBe(true);
    expect(asked).toEqual([`create ${target}`, `create ${target}`]);
    const other = join(scratch, 'cli-made');
    mkdirSync(scratch, { recursive: true });
    new ProjectService({ stateDir: join(scratch, 'elsewhere'), trash: async () => {} }).create(other, tiny);
    expect(await dispatch('projects.remove', { dir: other })).toMatchObject({ ok: false });
    expect(asked).toHaveLength(2); // the trash never asks
    expect(trashed).toEqual([]);
    await results.shutdown();
  });

  it('PathGuard: chosen and known paths compare resolved', async () => {
    const guard = new PathGuard(() => ['/data/projects/a']);
    expect(await guard.check('open', '/data/projects/b/../a')).toBe('/data/projects/a');
    guard.choose('/data/new/');
    expect(await guard.check('create', '/data/new')).toBe('/data/new');
    await expect(guard.check('remove', '/data/projects/a/..')).rejects.toThrow(/not a project this app knows/);
  });
});

/**
 * A top-level block of electron-builder.yml as key → value (booleans and words): enough for the
 * flat `electronFuses:` block and top-level scalars (the project has no YAML parser of its own).
 */
function yamlBlock(text: string, key: string): Record<string, unknown> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === `${key}:`);
  if (start < 0) return {};
  const out: Record<string, unknown> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break; // the next top-level key
    const m = /^\s+([A-Za-z]+):\s*(\S+)\s*(#.*)?$/.exec(line);
    if (m) out[m[1]] = m[2] === 'true' ? true : m[2] === 'false' ? false : m[2];
  }
  return out;
}

describe('Electron fuses in electron-builder.yml', () => {
  it('turn off running as Node, NODE_OPTIONS and --inspect; turn on cookie encryption, ASAR integrity and loading only from ASAR', () => {
    const text = readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8');
    expect(yamlBlock(text, 'electronFuses')).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(text.split('\n')).toContain('asar: true'); // onlyLoadAppFromAsar needs the app packed as app.asar
  });
});
