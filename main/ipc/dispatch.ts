/**
 * The main side of the contract: looks a channel up, checks its payload with the contract's zod
 * schema, calls the handler, and wraps the result or the error in an Envelope. No Electron here,
 * so the browser test bridge serves the very same dispatcher over HTTP.
 */
import type { z } from 'zod';
import { SettingsError } from '../../engine/model/settings';
import { contract, type Contract, type Envelope, type Namespace } from './contract';

type Input<C> = C extends { input: infer S extends z.ZodType } ? z.output<S> : never;
type Result<C> = C extends { result?: infer R } ? R : never;

export type Handlers = {
  [N in Namespace]: {
    [M in keyof Contract[N]]: (payload: Input<Contract[N][M]>) => Result<Contract[N][M]> | Promise<Result<Contract[N][M]>>;
  };
};

export type Dispatch = (channel: unknown, payload: unknown) => Promise<Envelope>;

export function createDispatcher(handlers: Handlers): Dispatch {
  return async (channel, payload) => {
    if (typeof channel !== 'string' || !/^[a-z]+\.[a-zA-Z]+$/.test(channel)) {
      return { ok: false, error: { name: 'ContractError', message: `unknown call ${JSON.stringify(channel)}` } };
    }
    const [ns, method] = channel.split('.');
    // Own properties only, so that 'constructor.name' and the like never reach a prototype.
    const own = <T>(obj: Record<string, T> | undefined, key: string): T | undefined => (obj && Object.hasOwn(obj, key) ? obj[key] : undefined);
    const spec = own(own(contract as unknown as Record<string, Record<string, { input: z.ZodType }>>, ns), method);
    const handler = own(own(handlers as unknown as Record<string, Record<string, (p: unknown) => unknown>>, ns), method);
    if (!spec || !handler) return { ok: false, error: { name: 'ContractError', message: `unknown call '${channel}'` } };
    const parsed = spec.input.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'payload';
      return { ok: false, error: { name: 'ContractError', message: `${channel}: ${where}: ${issue?.message ?? 'invalid payload'}` } };
    }
    try {
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof SettingsError) return { ok: false, error: { name: error.name, message: error.message, setting: error.setting } };
      const e = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: { name: e.name, message: e.message } };
    }
  };
}
