import { z } from 'zod';
import { requestResource } from '../capabilities/normalize-origin.js';
import { SYSTEM_AREAS } from '../capabilities/scope-values.js';
import { EVENT_ENVELOPE_BYTES, MAX_EVENT_DATA_BYTES } from '../events/event-limits.js';
import { defineHostCall as call } from './define-host-call.js';
import type {
  AgentConnectionResult,
  AgentGatewayInfoResult,
  DiscoveredAgentResult,
  EphemeralPageResult,
  FetchResult,
  ListPageResult,
  StoredRecordResult,
  SubscriptionResult,
  SystemSampleResult,
  TimerResult,
  TransactionOpResult,
  VerifyResult,
} from './host-call-results.js';

/*
 * Every host call a plugin can make (after VS Code's extHost.protocol.ts), one entry each:
 * argument schema, the capability it needs as a function of its validated arguments, the ctx
 * method(s) reaching it, its concurrency group and rate budgets. No logic. The kernel's
 * bridge (kernel/sandbox), the in-isolate ctx and the sdk's ctx types are all derived from
 * this table, so they cannot drift.
 */

const name = z.string().min(1).max(128);
const key = z.string().min(1).max(256);
const topic = z.string().min(1).max(256);
const json = z.unknown();
const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();
const areas = z.enum(SYSTEM_AREAS);
/** Several system areas, each at most once (`system.sample`, a timer's `sample` option). */
const areaList = z
  .array(areas)
  .min(1)
  .max(SYSTEM_AREAS.length)
  .refine((a) => new Set(a).size === a.length, 'each area at most once');
const httpUrl = z
  .string()
  .max(4096)
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'an absolute http(s) URL');
const ms = z.number().int().min(10).max(86_400_000);
const storeName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a store name: [a-z0-9_-], 1–64');

/** The protocol table: host call name → spec. */
export const HOST_CALLS = {
  // ── storage (the plugin's own namespace; the namespace comes from the channel) ──
  'storage.get': call<StoredRecordResult | null>()({
    args: z.object({ collection: name, id: key }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'storage.get', params: ['collection', 'id'] },
  }),
  'storage.set': call<StoredRecordResult>()({
    args: z.object({ collection: name, id: key, value: json, expectedVersion: version }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'storage.set', params: ['collection', 'id', 'value'], options: ['expectedVersion'] },
    mutates: true,
  }),
  'storage.delete': call<boolean>()({
    args: z.object({ collection: name, id: key, expectedVersion: version }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'storage.delete', params: ['collection', 'id'], options: ['expectedVersion'] },
    mutates: true,
  }),
  'storage.transaction': call<TransactionOpResult[]>()({
    // Sets and deletes in the plugin's namespace, all or nothing, one durable commit.
    args: z.object({
      ops: z
        .array(
          z.discriminatedUnion('op', [
            z.object({
              op: z.literal('set'),
              collection: name,
              id: key,
              value: json,
              expectedVersion: version,
            }),
            z.object({ op: z.literal('delete'), collection: name, id: key, expectedVersion: version }),
          ]),
        )
        .min(1)
        .max(1000),
    }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'storage.transaction', params: ['ops'] },
    mutates: true,
  }),
  'storage.list': call<ListPageResult>()({
    args: z.object({
      collection: name,
      prefix: z.string().max(256).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      cursor: z.string().max(1024).optional(),
    }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'storage.list', params: ['collection'], options: ['prefix', 'limit', 'cursor'] },
  }),
  // ── ephemeral stores: memory, persisted in batches (heartbeat-rate data), bounded per plugin ──
  'ephemeral.get': call<unknown>()({
    args: z.object({ store: storeName, key }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'ephemeral.get', params: ['store', 'key'] },
  }),
  'ephemeral.set': call<null>()({
    args: z.object({ store: storeName, key, value: json }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'ephemeral.set', params: ['store', 'key', 'value'] },
    mutates: true,
  }),
  'ephemeral.setMany': call<null>()({
    args: z.object({
      store: storeName,
      entries: z.array(z.tuple([key, json])).max(10_000),
    }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'ephemeral.setMany', params: ['store', 'entries'] },
    mutates: true,
  }),
  'ephemeral.delete': call<boolean>()({
    args: z.object({ store: storeName, key }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'ephemeral.delete', params: ['store', 'key'] },
    mutates: true,
  }),
  'ephemeral.list': call<EphemeralPageResult>()({
    args: z.object({
      store: storeName,
      prefix: z.string().max(256).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
      cursor: z.string().max(1024).optional(),
    }),
    capability: () => ({ kind: 'storage' }),
    ctx: { path: 'ephemeral.list', params: ['store'], options: ['prefix', 'limit', 'cursor'] },
  }),
  // ── events ──
  'events.publish': call<{ seq: number }>()({
    args: z.object({ topic, data: json }),
    capability: (a) => ({ kind: 'events.publish', topic: a.topic }),
    // Every event is retained for replay and copied to each subscriber: keep each one small.
    maxBytes: MAX_EVENT_DATA_BYTES + EVENT_ENVELOPE_BYTES,
    // publish resolves the event's seq (or rejects); emit sends it and answers nothing.
    ctx: [
      { path: 'events.publish', params: ['topic', 'data'] },
      { path: 'events.emit', params: ['topic', 'data'], noAnswer: true },
    ],
    budget: 'publish',
    mutates: true,
  }),
  'events.subscribe': call<SubscriptionResult>()({
    args: z.object({ pattern: topic }),
    capability: (a) => ({ kind: 'events.subscribe', topic: a.pattern }),
    ctx: { path: 'events.subscribe', params: ['pattern'], local: 'subscribe', undo: 'events.unsubscribe' },
  }),
  'events.unsubscribe': call<boolean>()({
    args: z.object({ id: z.number().int().min(1) }),
    capability: () => null,
    ctx: null,
  }),
  // ── system ──
  'system.read': call<unknown>()({
    args: z.object({ area: areas }),
    capability: (a) => ({ kind: 'system.read', area: a.area }),
    ctx: { path: 'system.read', params: ['area'] },
    hostSizedAnswer: 'this area is larger than one call may carry on this host',
  }),
  // Several areas in one crossing (a collector's per-second read); needs system:read of each.
  'system.sample': call<SystemSampleResult>()({
    args: z.object({ areas: areaList }),
    capability: (a) => a.areas.map((area) => ({ kind: 'system.read', area }) as const),
    ctx: { path: 'system.sample', params: ['areas'] },
    hostSizedAnswer: 'ask for fewer areas at a time',
  }),
  // ── crypto (never key material) ──
  'crypto.sign': call<string>()({
    args: z.object({ payload: z.string().max(65_536) }),
    capability: () => ({ kind: 'crypto', op: 'sign' }),
    ctx: { path: 'crypto.sign', params: ['payload'] },
  }),
  'crypto.verify': call<VerifyResult>()({
    args: z.object({ jws: z.string().max(131_072) }),
    capability: () => ({ kind: 'crypto', op: 'verify' }),
    ctx: { path: 'crypto.verify', params: ['jws'] },
  }),
  'crypto.hash': call<string>()({
    args: z.object({ alg: z.enum(['sha256', 'sha512']), data: z.string().max(1_048_576) }),
    capability: () => ({ kind: 'crypto', op: 'hash' }),
    ctx: { path: 'crypto.hash', params: ['alg', 'data'] },
  }),
  'crypto.hashPassword': call<string>()({
    args: z.object({ password: z.string().min(1).max(1024) }),
    capability: () => ({ kind: 'crypto', op: 'password' }),
    ctx: { path: 'crypto.hashPassword', params: ['password'] },
    group: 'password',
  }),
  'crypto.verifyPassword': call<boolean>()({
    args: z.object({ password: z.string().max(1024), hash: z.string().max(1024) }),
    capability: () => ({ kind: 'crypto', op: 'password' }),
    ctx: { path: 'crypto.verifyPassword', params: ['password', 'hash'] },
    group: 'password',
  }),
  'crypto.random': call<string>()({
    args: z.object({ bytes: z.number().int().min(1).max(1024) }),
    capability: () => ({ kind: 'crypto', op: 'random' }),
    ctx: { path: 'crypto.random', params: ['bytes'] },
  }),
  'crypto.seal': call<string>()({
    args: z.object({ plaintext: z.string().max(1_048_576), aad: z.string().max(256).optional() }),
    capability: () => ({ kind: 'crypto', op: 'seal' }),
    ctx: { path: 'crypto.seal', params: ['plaintext', 'aad'] },
  }),
  'crypto.open': call<string>()({
    args: z.object({ sealed: z.string().max(2_097_152), aad: z.string().max(256).optional() }),
    capability: () => ({ kind: 'crypto', op: 'seal' }),
    ctx: { path: 'crypto.open', params: ['sealed', 'aad'] },
  }),
  'crypto.mac': call<string[]>()({
    // HMAC-SHA256 under a key the kernel derives for this plugin alone from its own HMAC key.
    args: z.object({ data: z.array(z.string().max(65_536)).min(1).max(1000) }),
    capability: () => ({ kind: 'crypto', op: 'mac' }),
    ctx: { path: 'crypto.mac', params: ['data'] },
  }),
  'crypto.verifyMac': call<boolean[]>()({
    args: z.object({
      items: z
        .array(z.object({ data: z.string().max(65_536), mac: z.string().max(256) }))
        .min(1)
        .max(1000),
    }),
    capability: () => ({ kind: 'crypto', op: 'mac' }),
    ctx: { path: 'crypto.verifyMac', params: ['items'] },
  }),
  // ── outbound HTTP ──
  'net.fetch': call<FetchResult>()({
    args: z.object({
      url: httpUrl,
      init: z
        .object({
          method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
          headers: z.record(z.string().max(256), z.string().max(8192)).optional(),
          body: z.string().max(1_048_576).optional(),
          timeoutMs: z.number().int().min(1).max(60_000).optional(),
        })
        .optional(),
    }),
    capability: (a) => ({ kind: 'net.fetch', origin: requestResource(a.url) }),
    ctx: { path: 'fetch', params: ['url', 'init'] },
    group: 'fetch',
    mutates: true,
  }),
  // ── other plugins' services ──
  'services.call': call<unknown>()({
    args: z.object({ service: z.string().min(3).max(128), args: json }),
    capability: (a) => ({ kind: 'services.call', service: a.service }),
    ctx: { path: 'services.call', params: ['service', 'args'] },
    mutates: true,
    // The provider's result, up to its maxResultBytes: the service ran, its answer is refused.
    hostSizedAnswer: 'the service ran, but ask it for less at a time (a page)',
  }),
  // ── kernel-owned timers, delivered as calls into the plugin ──
  // With `sample`, each tick carries a reading of those areas (as system.sample answers it), read
  // by the kernel when the timer fires: system:read of each is checked here AND at every tick (a
  // revoked area is not read: the tick carries OMEGA_ERR_PERM_DENIED in its `errors` instead).
  'timers.every': call<TimerResult>()({
    args: z.object({ ms, sample: areaList.optional() }),
    capability: (a) =>
      a.sample === undefined
        ? { kind: 'timers' }
        : [{ kind: 'timers' } as const, ...a.sample.map((area) => ({ kind: 'system.read', area }) as const)],
    ctx: { path: 'timers.every', params: ['ms'], options: ['sample'], local: 'timer' },
  }),
  'timers.after': call<TimerResult>()({
    args: z.object({ ms }),
    capability: () => ({ kind: 'timers' }),
    ctx: { path: 'timers.after', params: ['ms'], local: 'timer-once' },
  }),
  'timers.cancel': call<boolean>()({
    args: z.object({ id: z.number().int().min(1) }),
    capability: () => ({ kind: 'timers' }),
    ctx: { path: 'timers.cancel', params: ['id'], local: 'forget-timer' },
  }),
  // ── authentication provider (only a plugin granted auth:provider) ──
  'auth.signToken': call<string>()({
    args: z.object({
      sub: z.string().min(1).max(128),
      claims: z.object({
        jti: z.string().min(8).max(128),
        perms: z.array(z.string().min(1).max(256)).max(512),
        deny: z.array(z.string().min(1).max(256)).max(512),
        fam: z.string().min(1).max(128).optional(),
        name: z.string().max(256).optional(),
      }),
      ttlSec: z.number().int().min(10).max(3600),
    }),
    capability: () => ({ kind: 'auth.provider' }),
    ctx: { path: 'auth.signToken', params: ['sub', 'claims', 'ttlSec'] },
  }),
  // ── node agents (only the plugin granted agents:gateway; see docs/agent-protocol.md) ──
  'agents.send': call<{ delivered: boolean }>()({
    args: z.object({ node: key, message: json }),
    capability: () => ({ kind: 'agents.gateway' }),
    ctx: { path: 'agents.send', params: ['node', 'message'] },
    maxBytes: 262_144,
    mutates: true,
  }),
  'agents.disconnect': call<boolean>()({
    args: z.object({ node: key, reason: z.string().max(256) }),
    capability: () => ({ kind: 'agents.gateway' }),
    ctx: { path: 'agents.disconnect', params: ['node', 'reason'] },
    mutates: true,
  }),
  'agents.connections': call<AgentConnectionResult[]>()({
    args: z.object({}),
    capability: () => ({ kind: 'agents.gateway' }),
    ctx: { path: 'agents.connections', params: [] },
    hostSizedAnswer: 'more agents are connected than one call may list',
  }),
  'agents.info': call<AgentGatewayInfoResult>()({
    args: z.object({}),
    capability: () => ({ kind: 'agents.gateway' }),
    ctx: { path: 'agents.info', params: [] },
  }),
  'agents.invite': call<{ ok: boolean }>()({
    args: z.object({
      address: z.string().min(2).max(64),
      port: z.number().int().min(1).max(65_535),
      invitation: z.object({
        server: httpUrl,
        token: z.string().min(8).max(256),
        certSha256: z.string().max(128).optional(),
      }),
    }),
    capability: () => ({ kind: 'agents.gateway' }),
    ctx: { path: 'agents.invite', params: ['address', 'port', 'invitation'] },
    mutates: true,
  }),
  'agents.discovered': call<DiscoveredAgentResult[]>()({
    args: z.object({}),
    capability: () => ({ kind: 'agents.gateway' }),
    ctx: { path: 'agents.discovered', params: [] },
    hostSizedAnswer: 'more agents announce themselves (with their TXT records) than one call may list',
  }),
  // ── kernel log ──
  'log.write': call<null>()({
    args: z.object({
      level: z.enum(['debug', 'info', 'warn', 'error']),
      msg: z.string().max(4096),
      fields: z.record(z.string().max(64), json).optional(),
    }),
    capability: () => ({ kind: 'log' }),
    ctx: [
      { path: 'log.debug', params: ['msg', 'fields'], fixed: { level: 'debug' } },
      { path: 'log.info', params: ['msg', 'fields'], fixed: { level: 'info' } },
      { path: 'log.warn', params: ['msg', 'fields'], fixed: { level: 'warn' } },
      { path: 'log.error', params: ['msg', 'fields'], fixed: { level: 'error' } },
    ],
    budget: 'log',
  }),
} as const;
