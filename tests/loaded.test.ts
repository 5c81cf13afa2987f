// renderer/src/loaded.ts, the one loader of the views: a result is shown under the key it was
// asked for, a result that arrives after the key moved on is dropped, errors are kept by key,
// and a null key loads nothing. Rendered with React in happy-dom.
import { afterAll, describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { useDebounced, useLoaded, type Loaded } from '../renderer/src/loaded';
import { useSampleChoice } from '../renderer/src/views/SampleSelect';
import type { GlassmodesApi } from '../main/ipc/contract';
import { firstNonZeroStoredMode } from '../renderer/src/storedModes';

const page = new Window();
const g = globalThis as Record<string, unknown>;
g.window = page;
g.document = page.document;
g.IS_REACT_ACT_ENVIRONMENT = true;
afterAll(() => page.close());

/** A promise per key that the test resolves or rejects by hand. */
function deferred() {
  const pending = new Map<string, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  const load = (key: string) => () => new Promise<string>((resolve, reject) => pending.set(key, { resolve, reject }));
  return { pending, load };
}

describe('useLoaded (renderer/src/loaded.ts)', () => {
  it('shows each key its own result, drops a late result of an old key, and keeps errors by key', async () => {
    const { pending, load } = deferred();
    const seen: (Loaded<string> | undefined)[] = [];
    let calls = 0;
    function Probe({ id }: { id: string | null }) {
      seen.push(useLoaded(id, () => {
        calls++;
        return load(id!)();
      }, (e) => `failed: ${(e as Error).message}`));
      return null;
    }
    const root = createRoot(page.document.createElement('div') as unknown as Element);
    await act(async () => root.render(createElement(Probe, { id: null })));
    expect(seen.at(-1)).toBeUndefined();
    expect(calls).toBe(0);
    await act(async () => root.render(createElement(Probe, { id: 'a' })));
    expect(seen.at(-1)).toEqual({ key: 'a' });
    await act(async () => root.render(createElement(Probe, { id: 'b' })));
    expect(seen.at(-1)).toEqual({ key: 'b' });
    await act(async () => pending.get('a')!.resolve('spectrum of a'));
    expect(seen.at(-1)).toEqual({ key: 'b' }); // a's late answer is not shown under b
    await act(async () => pending.get('b')!.reject(new Error('no eigenvalues.npy')));
    expect(seen.at(-1)).toEqual({ key: 'b', error: 'failed: no eigenvalues.npy' });
    await act(async () => root.render(createElement(Probe, { id: 'b' })));
    expect(calls).toBe(2); // the same key does not load again
    await act(async () => root.render(createElement(Probe, { id: 'c' })));
    await act(async () => pending.get('c')!.resolve('spectrum of c'));
    expect(seen.at(-1)).toEqual({ key: 'c', value: 'spectrum of c' });
    await act(async () => root.unmount());
  });

  it('keeps a loaded key through a null key (a field turned off and on) and tries a failed one again', async () => {
    const { pending, load } = deferred();
    const seen: (Loaded<string> | undefined)[] = [];
    const calls: string[] = [];
    function Probe({ id }: { id: string | null }) {
      seen.push(useLoaded(id, () => {
        calls.push(id!);
        return load(`${id}#${calls.length}`)();
      }, (e) => (e as Error).message));
      return null;
    }
    const root = createRoot(page.document.createElement('div') as unknown as Element);
    await act(async () => root.render(createElement(Probe, { id: 'a' })));
    await act(async () => pending.get('a#1')!.resolve('fields of a'));
    await act(async () => root.render(createElement(Probe, { id: null })));
    expect(seen.at(-1)).toBeUndefined();
    await act(async () => root.render(createElement(Probe, { id: 'a' })));
    expect(seen.at(-1)).toEqual({ key: 'a', value: 'fields of a' });
    expect(calls).toEqual(['a']); // not loaded again
    await act(async () => root.render(createElement(Probe, { id: 'b' })));
    await act(async () => pending.get('b#2')!.reject(new Error('no modes.npy')));
    expect(seen.at(-1)).toEqual({ key: 'b', error: 'no modes.npy' });
    await act(async () => root.render(createElement(Probe, { id: null })));
    await act(async () => root.render(createElement(Probe, { id: 'b' })));
    expect(calls).toEqual(['a', 'b', 'b']); // the failed key is tried again
    expect(seen.at(-1)).toEqual({ key: 'b' });
    await act(async () => pending.get('b#3')!.resolve('modes of b'));
    expect(seen.at(-1)).toEqual({ key: 'b', value: 'modes of b' });
    await act(async () => root.unmount());
  });
});

describe('useDebounced (renderer/src/loaded.ts)', () => {
  it('gives the new value only once it has rested for the delay', async () => {
    const seen: string[] = [];
    function Probe({ text }: { text: string }) {
      seen.push(useDebounced(text, 30));
      return null;
    }
    const root = createRoot(page.document.createElement('div') as unknown as Element);
    await act(async () => root.render(createElement(Probe, { text: 'a' })));
    await act(async () => root.render(createElement(Probe, { text: 'ab' })));
    await act(async () => root.render(createElement(Probe, { text: 'abc' })));
    expect(seen.at(-1)).toBe('a');
    await act(async () => new Promise((r) => setTimeout(r, 80)));
    expect(seen.at(-1)).toBe('abc');
    expect(seen).not.toContain('ab'); // a value replaced within the delay is never given
    await act(async () => root.unmount());
  });
});

describe('useSampleChoice (renderer/src/views/SampleSelect.tsx)', () => {
  it("takes the user's pick, else the link's sample when it exists, else the first; a new link overrides a pick", async () => {
    let choice: [string | undefined, (id: string) => void] = [undefined, () => {}];
    function Probe({ ids, requested }: { ids: string[]; requested: string | null }) {
      choice = useSampleChoice(ids, requested);
      return null;
    }
    const ids = ['s0000', 's0001', 's0002'];
    const root = createRoot(page.document.createElement('div') as unknown as Element);
    await act(async () => root.render(createElement(Probe, { ids, requested: null })));
    expect(choice[0]).toBe('s0000');
    await act(async () => root.render(createElement(Probe, { ids, requested: 's0009' })));
    expect(choice[0]).toBe('s0000'); // a link to a sample without a spectrum falls back
    await act(async () => root.render(createElement(Probe, { ids, requested: 's0001' })));
    expect(choice[0]).toBe('s0001');
    await act(async () => choice[1]('s0002'));
    expect(choice[0]).toBe('s0002');
    await act(async () => root.render(createElement(Probe, { ids, requested: 's0000' })));
    expect(choice[0]).toBe('s0000'); // another link wins over the earlier pick
    await act(async () => root.unmount());
  });
});

describe('useProjectAnalysis (renderer/src/projectData.ts)', () => {
  it("reads analysis/, shows a read error, and Analyse replaces both with its result or says why it failed", async () => {
    const reads = deferred();
    const analyses: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
    const fake = {
      results: {
        analysis: ({ dir }: { dir: string }) => reads.load(dir)(),
        analyze: () => new Promise((resolve, reject) => analyses.push({ resolve, reject })),
      },
    };
    (page as unknown as { glassmodes: unknown }).glassmodes = fake as unknown as GlassmodesApi;
    const { useProjectAnalysis } = await import('../renderer/src/projectData');
    let state: ReturnType<typeof useProjectAnalysis> | undefined;
    function Probe({ dir }: { dir: string }) {
      state = useProjectAnalysis(dir);
      return null;
    }
    const root = createRoot(page.document.createElement('div') as unknown as Element);
    await act(async () => root.render(createElement(Probe, { dir: '/p' })));
    expect(state!.analysis).toBeUndefined();
    await act(async () => root.render(createElement(Probe, { dir: '/q' })));
    await act(async () => reads.pending.get('/p')!.resolve('analysis of p'));
    expect(state!.analysis).toBeUndefined(); // p's late answer is not q's analysis
    await act(async () => reads.pending.get('/q')!.reject(new Error('analysis/summary.json is not valid JSON')));
    expect(state!.error).toBe('analysis/summary.json is not valid JSON');
    const run = act(async () => void state!.analyse());
    await run;
    expect(state!.analysing).toBe(true);
    expect(state!.error).toBeUndefined(); // a new try clears the old error
    await act(async () => analyses[0].reject(new Error('no finished sample')));
    expect(state!.analysing).toBe(false);
    expect(state!.error).toBe('no finished sample');
    await act(async () => void state!.analyse());
    await act(async () => analyses[1].resolve('fresh analysis of q'));
    expect(state!.analysis).toBe('fresh analysis of q');
    expect(state!.error).toBeUndefined();
    await act(async () => root.render(createElement(Probe, { dir: '/p' })));
    expect(state!.analysis).toBeUndefined(); // q's Analyse is not p's analysis
    await act(async () => root.unmount());
  });
});

describe('firstNonZeroStoredMode (renderer/src/storedModes.ts)', () => {
  it('is the first stored mode that is not a zero mode, undefined when every stored one is', () => {
    expect(firstNonZeroStoredMode({ storedModes: 10, zeroModes: [0, 1, 2] })).toBe(3);
    expect(firstNonZeroStoredMode({ storedModes: 10, zeroModes: [0, 2, 3] })).toBe(1);
    expect(firstNonZeroStoredMode({ storedModes: 2, zeroModes: [0, 1] })).toBeUndefined();
  });
});
