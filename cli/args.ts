import { parseArgs, type ParseArgsConfig } from 'node:util';
import { availableParallelism } from 'node:os';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** node:util parseArgs with errors turned into UsageErrors that say what to type instead. */
export function parse<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${usage}`);
  }
}

export function numberOption(value: string | undefined, name: string, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'}, got '${value}'`);
  }
  return x;
}

/**
 * --jobs: an integer ≥ 1, capped by this machine's cores (more workers than cores only share them)
 * and by the number of work units there are; the cap is said on stderr. Default: the cores.
 */
export function jobsOption(value: string | undefined, units?: number, cores = availableParallelism()): number {
  const asked = numberOption(value, 'jobs', true);
  if (asked !== undefined && asked < 1) throw new UsageError(`--jobs must be an integer ≥ 1, got ${asked}`);
  const cap = Math.max(1, Math.min(cores, units ?? Infinity));
  if (asked !== undefined && asked > cap) {
    console.error(`note: --jobs ${asked} capped to ${cap} (${cap === cores ? `this machine has ${cores} core(s)` : `${units} unit(s) of work pending`})`);
    return cap;
  }
  return asked ?? cap;
}
