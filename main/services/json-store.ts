/**
 * A small JSON document in the app's state folder (Electron's userData): recent projects, window
 * state, preferences, the job list. Written atomically; a missing or unreadable file reads as the
 * defaults, so a damaged state file never stops the app from starting.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../../engine/io/files';

export class JsonFileStore<T> {
  constructor(
    readonly path: string,
    private readonly defaults: () => T,
    /** Returns the stored value in shape, or undefined to fall back to the defaults. */
    private readonly accept: (raw: unknown) => T | undefined = (raw) => raw as T,
  ) {}

  read(): T {
    if (!existsSync(this.path)) return this.defaults();
    try {
      return this.accept(JSON.parse(readFileSync(this.path, 'utf8'))) ?? this.defaults();
    } catch {
      return this.defaults();
    }
  }

  write(value: T): void {
    writeJsonAtomic(this.path, value);
  }

  update(change: (value: T) => T): T {
    const next = change(this.read());
    this.write(next);
    return next;
  }
}
