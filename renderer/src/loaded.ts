/**
 * The one way a view loads data: `useLoaded(key, load)` runs `load` whenever `key` changes (null:
 * nothing to load) and keeps what it gave under that key; a result that arrives after the key moved
 * on (the user picked another sample) is dropped, never shown under the new key. The view renders
 * from the returned state: undefined (nothing asked or not yet this key), {key} while loading, then
 * {key, value} or {key, error}.
 */
import { useEffect, useState } from 'react';

export interface Loaded<T> {
  key: string;
  value?: T;
  error?: string;
}

export function useLoaded<T>(key: string | null, load: () => Promise<T>, describe: (error: unknown) => string = String): Loaded<T> | undefined {
  const [state, setState] = useState<Loaded<T>>();
  useEffect(() => {
    if (key === null) return;
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
