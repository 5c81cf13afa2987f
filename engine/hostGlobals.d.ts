/**
 * The few globals that every host of the engine has (Node, Electron's processes, browsers, worker
 * threads). The pure engine is type-checked without DOM and Node typings (tsconfig.engine.json), so
 * using anything else (document, window, process, Buffer, …) outside engine/io/ fails to compile.
 */
declare const performance: { now(): number };
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
