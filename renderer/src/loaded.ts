/**
 * The one way a view loads data: `useLoaded(key, load)` runs `load` whenever `key` changes (null:
 * nothing to load) and keeps what it gave under that key; a result that arrives after the key moved
 * on (the user picked another sample) is dropped, never shown under the new key. The view renders
 * from the returned state: undefined (nothing asked or not yet this key), {key} while loading, then
 * {key, value} or {key, error}. A key that goes to null and comes back (a field the user turned off
 * and on again) keeps its value and is not loaded again; one whose load failed is tried again.
 * The hooks of the project's own data (spectrum, mode, analysis) are renderer/src/projectData.ts;
 * useDebounced holds a key back until the user stops typing or dragging.
 */
import { useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  key: string;
  value?: T;
  error?: string;
}

export function useLoaded<T>(key: string | null, load: () => Promise<T>, describe: (error: unknown) => string = String): Loaded<T> | undefined {
  const [state, setState] = useState<Loaded<T>>();
  const current = useRef(state);
  current.current = state;
  useEffect(() => {
    if (key === null) return;
    if (current.current?.key === key && 'value' in current.current) return; // loaded already, kept while the key was null
    let live = true;
    setState({ key });
    load().then(
      (value) => live && setState({ key, value }),
      (error) => live && setState({ key, error: describe(error) }),
    );
    return () => {
      live = false;
    };
    // The key names everything `load` reads: it alone decides when to load again.
  }, [key]);
  return key !== null && state?.key === key ? state : undefined;
}

/** The value after it has stopped changing for `delay` ms (sliders and typing load once they rest). */
export function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}
