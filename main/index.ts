/**
 * Electron main process: one window, the app menu, the typed IPC handlers on top of the
 * main-process services, and the hidden compute window for gpu.js. Nothing here touches the
 * network: every request that is not a local file (or the dev server in `npm run dev`) is refused.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_EVENT, IPC_INVOKE, type EventName, type Events } from './ipc/contract';
import { createDispatcher } from './ipc/dispatch';
import { createHandlers } from './ipc/handlers';
import { ComputeHost } from './compute/host';
import { JobQueue } from './services/job-queue';
import { ProjectService } from './services/project-service';
import { SettingsService } from './services/settings-service';
import { JsonFileStore } from './services/json-store';
import { ResultsService } from './services/results-service';
import { writeFileAtomic } from '../engine/io/files';
import { devServerUrl, isAllowedSender, originGuard } from './security';

const here = fileURLToPath(new URL('.', import.meta.url));
// The dev server (`electron-vite dev`) only in an unpackaged build: a packaged app never turns
// its window into content from elsewhere, whatever its environment (main/security.ts).
const devServer = devServerUrl(process.env, app.isPackaged);
const rendererRoot = pathToFileURL(join(here, '../renderer/')).href;
const origin = originGuard(rendererRoot, devServer);

interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

let mainWindow: BrowserWindow | undefined;

function loadPage(window: BrowserWindow, page: 'index.html' | 'compute.html'): Promise<void> {
  return devServer ? window.loadURL(`${devServer}/${page}`) : window.loadFile(join(here, '../renderer', page));
}

/**
 * No remote content, ever: requests, navigation (and redirects) only to the app's own documents —
 * never data:, blob:, another file: path or the network — no new windows, webviews or permissions.
 */
function lockDown(): void {
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !origin.isAllowedRequest(details.url, details.resourceType) }));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  app.on('web-contents-created', (_event, contents) => {
    const guard = (event: { preventDefault: () => void }, url: string) => {
      if (!origin.isAllowedNavigation(url)) event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-frame-navigate', (event) => guard(event, event.url));
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function send<E extends EventName>(event: E, data: Events[E]): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT, event, data);
}

function buildMenu(projects: ProjectService): void {
  const recent: MenuItemConstructorOptions[] = projects.recentPaths().slice(0, 10).map((path) => ({
    label: path,
    click: () => send('navigate', `projects?open=${encodeURIComponent(path)}`),
  }));
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => send('navigate', 'setup') },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => send('navigate', 'projects?choose=open') },
        { label: 'Open Recent', submenu: recent.length ? recent : [{ label: 'No recent projects', enabled: false }] },
        { type: 'separator' },
        { label: 'Jobs', accelerator: 'CmdOrCtrl+J', click: () => send('navigate', 'jobs') },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'glassmodes on disk: the project folder format', click: () => send('navigate', 'theory') }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createMainWindow(stateDir: string): BrowserWindow {
  const store = new JsonFileStore<WindowState>(join(stateDir, 'window-state.json'), () => ({ width: 1280, height: 840, maximized: false }));
  const saved = store.read();
  const window = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    x: saved.x,
    y: saved.y,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'glassmodes',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  const remember = () => {
    if (window.isDestroyed()) return;
    const bounds = window.getNormalBounds();
    store.write({ ...bounds, maximized: window.isMaximized() });
  };
  window.on('close', remember);
  window.on('resized', remember);
  window.on('moved', remember);
  void loadPage(window, 'index.html');
  return window;
}

async function main(): Promise<void> {
  await app.whenReady();
  lockDown();
  const stateDir = app.getPath('userData');
  const settings = new SettingsService(stateDir, { projectsFolder: join(app.getPath('documents'), 'glassmodes') });
  const projects = new ProjectService({ stateDir, trash: (path) => shell.trashItem(path) });
  const jobs = new JobQueue({
    stateDir,
    recentProjects: () => projects.recentPaths(),
    workers: () => settings.preferences().jobs,
    // The main bundle ships the engine's worker entry beside index.js (electron.vite.config.ts).
    workerScript: join(here, 'sampleWorker.js'),
  });
  const results = new ResultsService({ workerScript: join(here, 'resultsWorker.js') });
  const compute = new ComputeHost((w) => loadPage(w, 'compute.html'), join(here, '../preload/compute.cjs'), (status) => send('compute', status));

  const dispatch = createDispatcher(
    createHandlers(
      { projects, jobs, settings, results },
      {
        host: 'electron',
        versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
        chooseFolder: async (purpose) => {
          const options: Electron.OpenDialogOptions = {
            title: purpose === 'new' ? 'Folder for the new project' : 'Open a glassmodes project folder',
            defaultPath: settings.preferences().projectsFolder,
            properties: purpose === 'new' ? ['openDirectory', 'createDirectory', 'promptToCreate'] : ['openDirectory'],
          };
          const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
          return result.canceled ? null : (result.filePaths[0] ?? null);
        },
        chooseFiles: async () => {
          const options: Electron.OpenDialogOptions = {
            title: 'Configurations to import (extended XYZ, LAMMPS data or dump files)',
            defaultPath: settings.preferences().projectsFolder,
            properties: ['openFile', 'multiSelections'],
            filters: [
              { name: 'Configurations', extensions: ['extxyz', 'xyz', 'data', 'lmp', 'lammps', 'dump', 'lammpstrj'] },
              { name: 'All files', extensions: ['*'] },
            ],
          };
          const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
          return result.canceled || result.filePaths.length === 0 ? null : result.filePaths;
        },
        // A path typed into a field: used only once the user confirms it here, in main.
        confirmFolder: async (use, path) => {
          const what = use === 'create' ? 'create a new project in' : use === 'import' ? 'import' : 'open';
          const options: Electron.MessageBoxOptions = {
            type: 'question',
            buttons: ['Cancel', use === 'create' ? 'Create here' : 'Open'],
            defaultId: 1,
            cancelId: 0,
            title: 'glassmodes',
            message: `Do you want to ${what} this folder?`,
            detail: path,
          };
          const result = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
          return result.response === 1;
        },
        computeStatus: () => compute.current(),
        computeProbe: () => compute.probe(),
        saveExport: async (name, kind, bytes) => {
          const options: Electron.SaveDialogOptions = {
            title: 'Save export',
            defaultPath: join(settings.preferences().projectsFolder, name),
            filters: [{ name: kind.toUpperCase(), extensions: [kind] }],
          };
          const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
          if (result.canceled || !result.filePath) return null;
          writeFileAtomic(result.filePath, bytes);
          return { path: result.filePath };
        },
      },
    ),
  );
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, payload: unknown) => {
    // Only our own window's main frame may call in.
    const frame = event.senderFrame;
    const sender = { isMainWindow: mainWindow !== undefined && event.sender === mainWindow.webContents, isMainFrame: frame !== null && frame.processId === event.sender.mainFrame.processId && frame.routingId === event.sender.mainFrame.routingId, frameUrl: frame?.url };
    if (!isAllowedSender(origin, sender)) {
      return { ok: false, error: { name: 'ContractError', message: 'caller is not the glassmodes window' } };
    }
    return dispatch(channel, payload).then((reply) => {
      if (reply.ok && typeof channel === 'string' && channel.startsWith('projects.')) buildMenu(projects);
      return reply;
    });
  });
  jobs.onChange((list) => send('jobs', list));
  results.onAnalysisProgress((event) => send('analysis', event));

  buildMenu(projects);
  const openWindow = () => {
    mainWindow = createMainWindow(stateDir);
    mainWindow.on('closed', () => (mainWindow = undefined));
  };
  openWindow();

  app.on('activate', () => {
    if (!mainWindow) openWindow();
  });
  app.on('second-instance', () => {
    if (!mainWindow) return openWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Pause running jobs so that the next start offers to resume them, and let the workers stop.
    event.preventDefault();
    quitting = true;
    compute.dispose();
    void results.shutdown();
    void jobs.shutdown().finally(() => app.quit());
  });
}

if (!app.requestSingleInstanceLock()) app.quit();
else void main();
