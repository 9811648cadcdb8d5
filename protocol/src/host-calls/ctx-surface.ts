import type { HostCallName } from './host-call-types.js';

/**
 * How one `ctx` method of the in-isolate prelude reaches its host call: the positional
 * parameters that become fields of the host call's argument object (in order), an optional
 * trailing options object whose fields are copied too, fixed fields the method fills in itself,
 * a callback parameter the prelude keeps inside the isolate, and what the method resolves to
 * when it is not the host call's own result.
 */
export interface CtxMethodSpec {
  readonly call: HostCallName;
  readonly params: readonly string[];
  readonly options?: readonly string[];
  readonly fixed?: Readonly<Record<string, string>>;
  /** Name of a function parameter after the positional ones (kept in the isolate). */
  readonly callback?: string;
  /** `id`: the timer id (a number); `unsubscribe`: a function that calls `events.unsubscribe`. */
  readonly returns?: 'id' | 'unsubscribe';
}

/**
 * The plugin's `ctx` as the prelude (kernel/sandbox/host/prelude-source.ts) builds it: method
 * path → host call + positional parameter names. No logic. The sdk derives its ctx types from
 * this table and HOST_CALLS; tests/sdk/ctx-surface.test.ts loads a real plugin in a real
 * sandbox and checks the prelude's ctx exposes exactly these methods, each reaching its call.
 */
export const CTX_SURFACE = {
  'storage.get': { call: 'storage.get', params: ['collection', 'id'] },
  'storage.set': {
    call: 'storage.set',
    params: ['collection', 'id', 'value'],
    options: ['expectedVersion'],
  },
  'storage.delete': { call: 'storage.delete', params: ['collection', 'id'], options: ['expectedVersion'] },
  'storage.list': { call: 'storage.list', params: ['collection'], options: ['prefix', 'limit', 'cursor'] },
  'events.publish': { call: 'events.publish', params: ['topic', 'data'] },
  'events.subscribe': {
    call: 'events.subscribe',
    params: ['pattern'],
    callback: 'handler',
    returns: 'unsubscribe',
  },
  'system.read': { call: 'system.read', params: ['area'] },
  'crypto.sign': { call: 'crypto.sign', params: ['payload'] },
  'crypto.verify': { call: 'crypto.verify', params: ['jws'] },
  'crypto.hash': { call: 'crypto.hash', params: ['alg', 'data'] },
  'crypto.hashPassword': { call: 'crypto.hashPassword', params: ['password'] },
  'crypto.verifyPassword': { call: 'crypto.verifyPassword', params: ['password', 'hash'] },
  'crypto.random': { call: 'crypto.random', params: ['bytes'] },
  'crypto.seal': { call: 'crypto.seal', params: ['plaintext', 'aad'] },
  'crypto.open': { call: 'crypto.open', params: ['sealed', 'aad'] },
  fetch: { call: 'net.fetch', params: ['url', 'init'] },
  'services.call': { call: 'services.call', params: ['service', 'args'] },
  'timers.every': { call: 'timers.every', params: ['ms'], callback: 'fn', returns: 'id' },
  'timers.after': { call: 'timers.after', params: ['ms'], callback: 'fn', returns: 'id' },
  'timers.cancel': { call: 'timers.cancel', params: ['id'] },
  'auth.signToken': { call: 'auth.signToken', params: ['sub', 'claims', 'ttlSec'] },
  'log.debug': { call: 'log.write', params: ['msg', 'fields'], fixed: { level: 'debug' } },
  'log.info': { call: 'log.write', params: ['msg', 'fields'], fixed: { level: 'info' } },
  'log.warn': { call: 'log.write', params: ['msg', 'fields'], fixed: { level: 'warn' } },
  'log.error': { call: 'log.write', params: ['msg', 'fields'], fixed: { level: 'error' } },
} as const satisfies Record<string, CtxMethodSpec>;

/** A ctx method path such as `storage.get` or `fetch`. */
export type CtxMethodPath = keyof typeof CTX_SURFACE;

/** Host calls reached only through another method's result (the unsubscribe function). */
export const CTX_INDIRECT_CALLS: readonly HostCallName[] = ['events.unsubscribe'];
