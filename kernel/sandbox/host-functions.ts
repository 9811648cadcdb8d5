import type { HostCallArgs, HostCallName, HostCallResult } from '@omega/protocol';
import { exceedsDefaultCost, SCRYPT_DEFAULTS } from '../crypto/index.js';
import { omegaError } from '../errors/index.js';
import type { HostEnv } from './host-env.js';
import type { HostServices } from './host-services.js';

/**
 * The implementation of host call `N`: validated, authorized arguments in, plain data out;
 * `bytes` is the length of the argument JSON (already bounded by the bridge).
 */
export type HostFunction<N extends HostCallName> = (
  args: HostCallArgs<N>,
  env: HostEnv,
  bytes: number,
) => Promise<HostCallResult<N>>;

/** One implementation per protocol entry; the mapped type makes a missing or extra one a type error. */
export type HostFunctionRegistry = { [N in HostCallName]: HostFunction<N> };

function need<K extends keyof HostServices>(env: HostEnv, key: K): NonNullable<HostServices[K]> {
  const s = env.services[key];
  if (s === undefined || s === null) {
    throw omegaError('OMEGA_ERR_UNAVAILABLE', `The kernel offers no "${String(key)}" capability here.`);
  }
  return s as NonNullable<HostServices[K]>;
}

const writeOpts = (v: number | undefined) => (v === undefined ? undefined : { expectedVersion: v });

/** The kernel's host functions, one per call in kernel/protocol. */
export const HOST_FUNCTIONS: HostFunctionRegistry = {
  'storage.get': async (a, env) => (await need(env, 'storage').get(a.collection, a.id)) ?? null,
  'storage.set': (a, env) =>
    need(env, 'storage').set(a.collection, a.id, a.value ?? null, writeOpts(a.expectedVersion)),
  'storage.delete': (a, env) => need(env, 'storage').delete(a.collection, a.id, writeOpts(a.expectedVersion)),
  'ephemeral.get': (a, env) => need(env, 'ephemeral').get(a.store, a.key),
  'ephemeral.set': async (a, env) => {
    await need(env, 'ephemeral').set(a.store, a.key, a.value ?? null);
    return null;
  },
  'ephemeral.setMany': async (a, env) => {
    await need(env, 'ephemeral').setMany(a.store, a.entries);
    return null;
  },
  'ephemeral.delete': (a, env) => need(env, 'ephemeral').delete(a.store, a.key),
  'ephemeral.list': (a, env) =>
    need(env, 'ephemeral').list(a.store, { prefix: a.prefix, limit: a.limit, cursor: a.cursor }),
  'agents.send': (a, env) => need(env, 'agents').send(a.node, a.message ?? null),
  'agents.disconnect': (a, env) => need(env, 'agents').disconnect(a.node, a.reason),
  'agents.connections': (_a, env) => need(env, 'agents').connections(),
  'agents.info': (_a, env) => need(env, 'agents').info(),
  'agents.invite': (a, env) => need(env, 'agents').invite(a.address, a.port, a.invitation),
  'agents.discovered': (_a, env) => need(env, 'agents').discovered(),
  'storage.transaction': (a, env) =>
    need(env, 'storage').transaction(
      a.ops.map((o) =>
        o.op === 'set'
          ? {
              op: 'set',
              collection: o.collection,
              id: o.id,
              value: o.value ?? null,
              ...writeOpts(o.expectedVersion),
            }
          : { op: 'delete', collection: o.collection, id: o.id, ...writeOpts(o.expectedVersion) },
      ),
    ),
  'storage.list': (a, env) => {
    const opts: { prefix?: string; limit?: number; cursor?: string } = {};
    if (a.prefix !== undefined) opts.prefix = a.prefix;
    if (a.limit !== undefined) opts.limit = a.limit;
    if (a.cursor !== undefined) opts.cursor = a.cursor;
    return need(env, 'storage').list(a.collection, opts);
  },
  'events.publish': async (a, env, bytes) => ({
    seq: need(env, 'bus').publish(a.topic, a.data ?? null, { bytes }).seq,
  }),
  'events.subscribe': async (a, env) => ({ id: env.subscribe(a.pattern) }),
  'events.unsubscribe': async (a, env) => env.unsubscribe(a.id),
  'system.read': (a, env) => need(env, 'system').read(a.area),
  'system.sample': (a, env) => need(env, 'system').sample(a.areas),
  'crypto.sign': (a, env) => need(env, 'crypto').signJws(a.payload),
  'crypto.verify': async (a, env) => {
    const r = await need(env, 'crypto').verifyJws(a.jws);
    return { payload: Buffer.from(r.payload).toString('utf8'), kid: r.kid };
  },
  'crypto.hash': async (a, env) => need(env, 'crypto').hash(a.alg, a.data),
  'crypto.hashPassword': (a, env) => need(env, 'crypto').hashPassword(a.password),
  'crypto.verifyPassword': async (a, env) => {
    // A crafted record within the general bounds costs seconds of the kernel's threadpool.
    if (exceedsDefaultCost(a.hash)) {
      const { N, r, p } = SCRYPT_DEFAULTS;
      throw omegaError(
        'OMEGA_ERR_VALIDATION',
        `Plugins verify only scrypt hashes no costlier than the kernel's (N=${N}, r=${r}, p=${p}); make them with hashPassword.`,
        { errors: [{ path: 'hash', message: 'not a kernel scrypt hash' }] },
      );
    }
    return need(env, 'crypto').verifyPassword(a.password, a.hash);
  },
  'crypto.random': async (a, env) => need(env, 'crypto').randomId(a.bytes),
  'crypto.seal': async (a, env) => need(env, 'crypto').seal(a.plaintext, a.aad),
  'crypto.open': async (a, env) => Buffer.from(need(env, 'crypto').open(a.sealed, a.aad)).toString('utf8'),
  'crypto.mac': async (a, env) => {
    const crypto = need(env, 'crypto');
    return a.data.map((d) => crypto.mac(d));
  },
  'crypto.verifyMac': async (a, env) => {
    const crypto = need(env, 'crypto');
    return a.items.map((i) => crypto.verifyMac(i.data, i.mac));
  },
  'net.fetch': (a, env) => need(env, 'fetch')(a.url, a.init, env.signal),
  'services.call': (a, env) => need(env, 'services').call(a.service, a.args ?? null),
  'timers.every': async (a, env) => {
    if (a.sample === undefined) return { id: env.addTimer(a.ms, false) };
    need(env, 'system');
    return { id: env.addTimer(a.ms, false, a.sample) };
  },
  'timers.after': async (a, env) => ({ id: env.addTimer(a.ms, true) }),
  'timers.cancel': async (a, env) => env.cancelTimer(a.id),
  'auth.signToken': (a, env) => need(env, 'auth').signAccessToken(a.sub, a.claims, a.ttlSec),
  'log.write': async (a, env) => {
    env.services.log[a.level](a.fields ? { fields: a.fields } : {}, a.msg);
    return null;
  },
};
