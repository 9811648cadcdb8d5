import { z } from 'zod';
import { requestResource } from '../capabilities/normalize-origin.js';
import { EVENT_ENVELOPE_BYTES, MAX_EVENT_DATA_BYTES } from '../events/event-limits.js';
import { defineHostCall as call } from './define-host-call.js';
import type {
  FetchResult,
  ListPageResult,
  StoredRecordResult,
  SubscriptionResult,
  TimerResult,
  VerifyResult,
} from './host-call-results.js';

/*
 * Every host call a plugin can make (after VS Code's extHost.protocol.ts). No logic beyond
 * the argument schemas and the permission each call needs as a function of its validated
 * arguments. The kernel's bridge (kernel/sandbox) is built from this table, and the sdk
 * derives its ctx types from it, so they cannot drift.
 */

const name = z.string().min(1).max(128);
const key = z.string().min(1).max(256);
const topic = z.string().min(1).max(256);
const json = z.unknown();
const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();
const areas = z.enum(['cpu', 'memory', 'disk', 'network', 'temperature', 'gpu', 'topology']);
const httpUrl = z
  .string()
  .max(4096)
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'an absolute http(s) URL');
const ms = z.number().int().min(10).max(86_400_000);

/** The protocol table: host call name → spec. */
export const HOST_CALLS = {
  // ── storage (the plugin's own namespace; the namespace comes from the channel) ──
  'storage.get': call<StoredRecordResult | null>()({
    args: z.object({ collection: name, id: key }),
    permission: () => ({ kind: 'storage' }),
  }),
  'storage.set': call<StoredRecordResult>()({
    args: z.object({ collection: name, id: key, value: json, expectedVersion: version }),
    permission: () => ({ kind: 'storage' }),
  }),
  'storage.delete': call<boolean>()({
    args: z.object({ collection: name, id: key, expectedVersion: version }),
    permission: () => ({ kind: 'storage' }),
  }),
  'storage.list': call<ListPageResult>()({
    args: z.object({
      collection: name,
      prefix: z.string().max(256).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      cursor: z.string().max(1024).optional(),
    }),
    permission: () => ({ kind: 'storage' }),
  }),
  // ── events ──
  'events.publish': call<{ seq: number }>()({
    args: z.object({ topic, data: json }),
    permission: (a) => ({ kind: 'events.publish', topic: a.topic }),
    // Every event is retained for replay and copied to each subscriber: keep each one small.
    maxBytes: MAX_EVENT_DATA_BYTES + EVENT_ENVELOPE_BYTES,
  }),
  'events.subscribe': call<SubscriptionResult>()({
    args: z.object({ pattern: topic }),
    permission: (a) => ({ kind: 'events.subscribe', topic: a.pattern }),
  }),
  'events.unsubscribe': call<boolean>()({
    args: z.object({ id: z.number().int().min(1) }),
    permission: () => null,
  }),
  // ── system ──
  'system.read': call<unknown>()({
    args: z.object({ area: areas }),
    permission: (a) => ({ kind: 'system.read', area: a.area }),
  }),
  // ── crypto (never key material) ──
  'crypto.sign': call<string>()({
    args: z.object({ payload: z.string().max(65_536) }),
    permission: () => ({ kind: 'crypto', op: 'sign' }),
  }),
  'crypto.verify': call<VerifyResult>()({
    args: z.object({ jws: z.string().max(131_072) }),
    permission: () => ({ kind: 'crypto', op: 'verify' }),
  }),
  'crypto.hash': call<string>()({
    args: z.object({ alg: z.enum(['sha256', 'sha512']), data: z.string().max(1_048_576) }),
    permission: () => ({ kind: 'crypto', op: 'hash' }),
  }),
  'crypto.hashPassword': call<string>()({
    args: z.object({ password: z.string().min(1).max(1024) }),
    permission: () => ({ kind: 'crypto', op: 'password' }),
  }),
  'crypto.verifyPassword': call<boolean>()({
    args: z.object({ password: z.string().max(1024), hash: z.string().max(1024) }),
    permission: () => ({ kind: 'crypto', op: 'password' }),
  }),
  'crypto.random': call<string>()({
    args: z.object({ bytes: z.number().int().min(1).max(1024) }),
    permission: () => ({ kind: 'crypto', op: 'random' }),
  }),
  'crypto.seal': call<string>()({
    args: z.object({ plaintext: z.string().max(1_048_576), aad: z.string().max(256).optional() }),
    permission: () => ({ kind: 'crypto', op: 'seal' }),
  }),
  'crypto.open': call<string>()({
    args: z.object({ sealed: z.string().max(2_097_152), aad: z.string().max(256).optional() }),
    permission: () => ({ kind: 'crypto', op: 'seal' }),
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
    permission: (a) => ({ kind: 'net.fetch', origin: requestResource(a.url) }),
  }),
  // ── other plugins' services ──
  'services.call': call<unknown>()({
    args: z.object({ service: z.string().min(3).max(128), args: json }),
    permission: (a) => ({ kind: 'services.call', service: a.service }),
  }),
  // ── kernel-owned timers, delivered as calls into the plugin ──
  'timers.every': call<TimerResult>()({
    args: z.object({ ms }),
    permission: () => ({ kind: 'timers' }),
  }),
  'timers.after': call<TimerResult>()({
    args: z.object({ ms }),
    permission: () => ({ kind: 'timers' }),
  }),
  'timers.cancel': call<boolean>()({
    args: z.object({ id: z.number().int().min(1) }),
    permission: () => ({ kind: 'timers' }),
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
    permission: () => ({ kind: 'auth.provider' }),
  }),
  // ── kernel log ──
  'log.write': call<null>()({
    args: z.object({
      level: z.enum(['debug', 'info', 'warn', 'error']),
      msg: z.string().max(4096),
      fields: z.record(z.string().max(64), json).optional(),
    }),
    permission: () => ({ kind: 'log' }),
  }),
} as const;
