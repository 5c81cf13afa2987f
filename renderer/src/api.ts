/** The preload's API (or the test bridge's implementation of it): the renderer's only way out. */
import type { GlassmodesApi } from '../../main/ipc/contract';

declare global {
  interface Window {
    glassmodes: GlassmodesApi;
  }
}

export const api: GlassmodesApi = window.glassmodes;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '') : String(error);
}
