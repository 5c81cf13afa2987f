// renderer/src/loaded.ts, the one loader of the views: a result is shown under the key it was
// asked for, a result that arrives after the key moved on is dropped, errors are kept by key,
// and a null key loads nothing. Rendered with React in happy-dom.
import { afterAll, describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { useLoaded, type Loaded } from '../renderer/src/loaded';
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
});

describe('firstNonZeroStoredMode (renderer/src/storedModes.ts)', () => {
  it('is the first stored mode that is not a zero mode, undefined when every stored one is', () => {
    expect(firstNonZeroStoredMode({ storedModes: 10, zeroModes: [0, 1, 2] })).toBe(3);
    expect(firstNonZeroStoredMode({ storedModes: 10, zeroModes: [0, 2, 3] })).toBe(1);
    expect(firstNonZeroStoredMode({ storedModes: 2, zeroModes: [0, 1] })).toBeUndefined();
  });
});
