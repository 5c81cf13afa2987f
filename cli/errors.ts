/**
 * The CLI's one error path (issue 12, item 6): every error that ends a command becomes one message
 * that says what went wrong and what to do, and an exit code (docs/CLI.md "Exit codes"); never a
 * stack trace, unless GLASSMODES_DEBUG=1 asks for one.
 */
import { ProjectError } from '../engine/io/project';
import { FormatError } from '../engine/io/extxyz';
import { RelaxationCheckpointError } from '../engine/io/relaxationFiles';
import { SettingsError } from '../engine/model/settings';
import { UsageError } from './args';

/** Exit codes of every command (docs/CLI.md). */
export const EXIT = {
  /** Done as asked. */
  ok: 0,
  /** Refused or failed because of the project, its files, its settings or this machine (nothing changed on disk). */
  refused: 1,
  /** The command line is wrong: an unknown command or option, or a value out of range. */
  usage: 2,
  /** The system refused a file operation: disk full, permission denied, read-only, no such file. */
  system: 3,
  /** A bug in glassmodes. */
  internal: 70,
} as const;

/** Refused because this machine has too little memory or disk for what was asked (resources.ts). */
export class ResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceError';
  }
}

const SYSTEM: Record<string, (path: string) => string> = {
  ENOSPC: (p) => `no space left on the device while writing ${p}: free some space (or write elsewhere) and run again; every file on disk is whole, its old or its new version (each is written to a temporary name, then renamed)`,
  EDQUOT: (p) => `disk quota exceeded while writing ${p}: free some space and run again`,
  EACCES: (p) => `permission denied: ${p}; choose a place you may write, or change its permissions`,
  EPERM: (p) => `operation not permitted on ${p}; choose a place you may write, or change its permissions`,
  EROFS: (p) => `${p} is on a read-only file system; write somewhere else`,
  ENOENT: (p) => `${p} does not exist`,
  EISDIR: (p) => `${p} is a folder, not a file`,
  ENOTDIR: (p) => `a part of ${p} is a file, not a folder`,
  EEXIST: (p) => `${p} already exists`,
  EMFILE: () => 'too many open files; raise the limit (ulimit -n) or use fewer --jobs',
  ENOMEM: () => 'out of memory; use fewer --jobs or a smaller system',
  EIO: (p) => `input/output error on ${p}: the disk or the network file system failed; check it and run again`,
};

export interface ErrorReport {
  message: string;
  code: number;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!);
}

/** The message and exit code for an error that ended `command`. */
export function describeError(error: unknown, command: string): ErrorReport {
  const prefix = `glassmodes${command ? ` ${command}` : ''}: `;
  if (error instanceof UsageError || error instanceof RangeError) return { message: prefix + error.message, code: EXIT.usage };
  if (
    error instanceof SettingsError ||
    error instanceof ProjectError ||
    error instanceof FormatError ||
    error instanceof RelaxationCheckpointError ||
    error instanceof ResourceError ||
    (error instanceof Error && (error.name === 'FigureDataError' || error.name === 'BackendUnavailableError'))
  ) {
    return { message: prefix + error.message, code: EXIT.refused };
  }
  if (isSystemError(error)) {
    const e = error;
    const path = e.path ?? (e as { dest?: string }).dest ?? '(unknown path)';
    const explain = SYSTEM[e.code!];
    return { message: prefix + (explain ? explain(path) : `${e.syscall ?? 'a file operation'} on ${path} failed: ${e.message}`), code: EXIT.system };
  }
  if (error instanceof Error && /Invalid string length|Array buffer allocation failed|Invalid typed array length|allocation failed/i.test(error.message)) {
    return { message: `${prefix}out of memory (${error.message}): the system is too large for this machine; use a smaller one or fewer --jobs`, code: EXIT.refused };
  }
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { message: `${prefix}internal error (${what}). This is a bug in glassmodes: please report it with the command you ran; GLASSMODES_DEBUG=1 prints the stack trace`, code: EXIT.internal };
}

/** Prints the report of an error on stderr (the stack only with GLASSMODES_DEBUG=1) and returns its exit code. */
export function reportError(error: unknown, command: string): number {
  const { message, code } = describeError(error, command);
  try {
    process.stderr.write(message + '\n');
    if (process.env.GLASSMODES_DEBUG && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
  } catch {
    // stderr itself is gone: nothing more to say
  }
  return code;
}

let installed = false;

/**
 * For the CLI process: an error that escapes a command asynchronously (an event handler, a
 * rejected promise nobody awaits) goes through reportError too; a reader that closes the pipe
 * (`glassmodes info p | head`) ends the output quietly.
 */
export function installProcessHandlers(command: () => string): void {
  if (installed) return;
  installed = true;
  const quietOnPipe = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? 0);
    process.exit(reportError(error, command()));
  };
  process.stdout.on('error', quietOnPipe);
  process.stderr.on('error', () => process.exit(process.exitCode ?? 0));
  process.on('uncaughtException', (error) => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exit(reportError(error, command()));
  });
  process.on('unhandledRejection', (reason) => process.exit(reportError(reason, command())));
}
