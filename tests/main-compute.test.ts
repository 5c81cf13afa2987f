// The compute host's fallback rule (main/compute/protocol.ts), which the hidden compute window
// applies per request and the main process applies when the whole window dies: a failed or lost
// backend hands the request to the next one, and the reply says which backend ran.
import { describe, expect, it } from 'vitest';
import { BACKEND_ORDER, ContextLostError, backendsAfter, withFallback } from '../main/compute/protocol';

describe('compute fallback', () => {
  it('tries webgpu, then webgl2, then webasm, then cpu', () => {
    expect(BACKEND_ORDER).toEqual(['webgpu', 'webgl2', 'webasm', 'cpu']);
  });

  it('moves on after a lost context and reports every attempt', async () => {
    const started: string[] = [];
    const outcome = await withFallback(
      BACKEND_ORDER,
      async (backend) => {
        if (backend === 'webgpu') throw new Error('no WebGPU adapter answered');
        if (backend === 'webgl2') throw new ContextLostError('webgl2', 'webglcontextlost');
        return `ran on ${backend}`;
      },
      (b) => started.push(b),
    );
    expect(started).toEqual(['webgpu', 'webgl2', 'webasm']);
    expect(outcome.ok && outcome.backend).toBe('webasm');
    expect(outcome.ok && outcome.value).toBe('ran on webasm');
    expect(outcome.attempts.map((a) => [a.backend, a.ok, a.error])).toEqual([
      ['webgpu', false, 'no WebGPU adapter answered'],
      ['webgl2', false, 'webgl2 context lost: webglcontextlost'],
      ['webasm', true, undefined],
    ]);
  });

  it('fails with the reasons when no backend works', async () => {
    const outcome = await withFallback(['webgl2', 'cpu'], async (b) => {
      throw new Error(`${b} broke`);
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts.map((a) => a.error)).toEqual(['webgl2 broke', 'cpu broke']);
  });

  it('after a crashed compute window, retries only the backends after the one that was running', () => {
    expect(backendsAfter(BACKEND_ORDER, 'webgpu')).toEqual(['webgl2', 'webasm', 'cpu']);
    expect(backendsAfter(['webgl2', 'cpu'], 'webgl2')).toEqual(['cpu']);
    expect(backendsAfter(BACKEND_ORDER, 'cpu')).toEqual([]);
  });
});
