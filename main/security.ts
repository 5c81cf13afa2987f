/**
 * The main process's guards, free of Electron so that tests run them directly (issue 12 item 7):
 * which renderer URL to load, which URLs a window may navigate to, request, or call IPC from, and
 * which project folders the renderer may name. main/index.ts wires them into Electron.
 */
import { resolve } from 'node:path';
import { ProjectError } from '../engine/io/project';

/**
 * The dev server to load the renderer from: ELECTRON_RENDERER_URL (set by `electron-vite dev`)
 * only in an unpackaged build, and only an http(s) URL on this machine's loopback; a packaged app
 * always loads its own files, whatever its environment says.
 */
export function devServerUrl(env: Record<string, string | undefined>, isPackaged: boolean): string | undefined {
  const raw = env['ELECTRON_RENDERER_URL'];
  if (isPackaged || !raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return undefined;
  return url.origin;
}

export interface OriginGuard {
  /** A document of the app: the built renderer's files (or the dev server's pages, unpackaged). */
  isAppDocument(url: string): boolean;
  /** Where a window may navigate: app documents (and Chromium's own DevTools pages). */
  isAllowedNavigation(url: string): boolean;
  /** A request a page may make: app documents, DevTools, and data:/blob: for subresources only (images a page makes), never as a frame. */
  isAllowedRequest(url: string, resourceType: string): boolean;
}

/**
 * The app's own origin: file: URLs inside `rendererRoot` (the file: URL of out/renderer/, with its
 * trailing slash) after normalisation (so no `..` or %2e%2e walks out of it), or the dev server's
 * origin when there is one. Never data:, blob:, javascript:, another file: path or the network.
 */
export function originGuard(rendererRoot: string, devServer?: string): OriginGuard {
  const root = new URL(rendererRoot).href;
  if (!root.startsWith('file:///') || !root.endsWith('/')) throw new Error(`the renderer root must be a file: URL of a folder, got ${rendererRoot}`);
  const dev = devServer ? new URL(devServer).origin : undefined;
  const isAppDocument = (text: string): boolean => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return false;
    }
    if (url.protocol === 'file:') return url.host === '' && url.href.startsWith(root);
    return dev !== undefined && url.origin === dev;
  };
  const isDevTools = (url: string) => url.startsWith('devtools://');
  return {
    isAppDocument,
    isAllowedNavigation: (url) => isAppDocument(url) || isDevTools(url),
    isAllowedRequest: (url, resourceType) => {
      if (isAppDocument(url) || isDevTools(url)) return true;
      if (resourceType === 'mainFrame' || resourceType === 'subFrame') return false;
      return url.startsWith('data:') || url.startsWith('blob:');
    },
  };
}

/**
 * May an IPC call in? Only from the main window's own web contents (`isMainWindow`), from its
 * main frame, and while that frame shows an app document.
 */
export function isAllowedSender(guard: OriginGuard, sender: { isMainWindow: boolean; isMainFrame: boolean; frameUrl: string | undefined }): boolean {
  return sender.isMainWindow && sender.isMainFrame && sender.frameUrl !== undefined && guard.isAppDocument(sender.frameUrl);
}

export type PathUse = 'create' | 'open' | 'import' | 'remove' | 'use';

/**
 * The project folders the renderer may name: those the user chose in a main-process folder
 * dialog this session (`chosen`), those the project manager knows (its recent list), and — where
 * the host can ask (`confirm`: a main-process message box in the app) — a path the user typed,
 * once they confirm it there. Moving to the trash needs a known or chosen project; no typed path
 * can be confirmed for it. Everything else is refused with the reason.
 */
export class PathGuard {
  private readonly chosen = new Set<string>();

  constructor(
    private readonly known: () => string[],
    private readonly confirm?: (use: Exclude<PathUse, 'remove'>, path: string) => Promise<boolean>,
  ) {}

  /** A folder picked in the main-process dialog. */
  choose(path: string): string {
    const p = resolve(path);
    this.chosen.add(p);
    return p;
  }

  allows(path: string): boolean {
    const p = resolve(path);
    return this.chosen.has(p) || this.known().some((k) => resolve(k) === p);
  }

  /** The resolved path, or a ProjectError saying why it is refused. */
  async check(use: PathUse, path: string): Promise<string> {
    const p = resolve(path);
    if (this.allows(p)) return p;
    if (use !== 'remove' && this.confirm && (await this.confirm(use, p))) return this.choose(p);
    throw new ProjectError(
      use === 'remove'
        ? `${p} is not a project this app knows: only a project opened here (or chosen with Browse…) can be moved to the trash`
        : `${p} was not chosen in a folder dialog and is not a project this app knows: choose it with Browse…`,
    );
  }
}
