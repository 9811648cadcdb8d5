import { z } from 'zod';

/*
 * Every message of the agent protocol (docs/agent-protocol.md) as a schema: the kernel checks
 * what agents send, agents check what the kernel sends. Unknown fields are stripped; unknown
 * kinds are refused.
 */

const b64u = (bytes: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`));
const nodeId = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/);
const name = z.string().min(1).max(128);
const ms = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** One kernel key's detached signature of the challenge. */
const kernelSignature = z.object({ kid: z.string().min(1).max(128), publicKey: b64u(32), sig: b64u(64) });

/** kernel → agent, first frame. */
export const challengeMessage = z.object({
  t: z.literal('challenge'),
  v: z.literal(1),
  nonce: b64u(32),
  kernel: z.object({ x25519: b64u(32), sigs: z.array(kernelSignature).min(1).max(16) }),
  time: ms,
});

/** agent → kernel, the answer to the challenge. */
export const helloMessage = z.object({
  t: z.literal('hello'),
  v: z.literal(1),
  mode: z.enum(['join', 'resume']),
  node: nodeId.optional(),
  name,
  publicKey: b64u(32),
  x25519: b64u(32),
  token: z.string().min(8).max(512).optional(),
  specs: z.record(z.string(), z.unknown()).optional(),
  agentVersion: z.string().min(1).max(64),
  sig: b64u(64),
});

/** kernel → agent: the session is open. */
export const welcomeMessage = z.object({
  t: z.literal('welcome'),
  node: nodeId,
  name,
  heartbeatMs: z.number().int().min(200).max(300_000),
  kernel: z.object({
    keys: z
      .array(z.object({ kid: z.string().min(1).max(128), publicKey: b64u(32) }))
      .min(1)
      .max(16),
  }),
  time: ms,
});

/** kernel → agent: the handshake was refused. */
export const refusedMessage = z.object({
  t: z.literal('refused'),
  code: z.string().max(64),
  message: z.string().max(512),
  retryAfterSec: z.number().int().min(1).max(86_400).optional(),
});

const optNum = z.number().finite().optional();

/** A heartbeat's load summary: absent fields were not measured (never 0 for "unknown"). */
export const loadSummary = z.object({
  cpu: optNum,
  load1: optNum,
  load5: optNum,
  load15: optNum,
  memUsed: optNum,
  memTotal: optNum,
  swapUsed: optNum,
  diskReadBps: optNum,
  diskWriteBps: optNum,
  diskBusy: optNum,
  netRxBps: optNum,
  netTxBps: optNum,
  tempMax: optNum,
  gpus: z
    .array(
      z.object({
        index: z.number().int().min(0).max(255),
        util: optNum,
        memUsed: optNum,
        memTotal: optNum,
        temp: optNum,
      }),
    )
    .max(64)
    .optional(),
});

/** agent → kernel, after `welcome`, by kind `k`. */
export const agentMessage = z.discriminatedUnion('k', [
  z.object({ k: z.literal('hb'), n: ms, t: ms, load: loadSummary }),
  z.object({ k: z.literal('specs'), specs: z.record(z.string(), z.unknown()) }),
  z.object({
    k: z.literal('result'),
    id: z.string().min(1).max(128),
    ok: z.boolean(),
    data: z.unknown().optional(),
    error: z.object({ code: z.string().max(64), message: z.string().max(2048) }).optional(),
  }),
  z.object({
    k: z.literal('report'),
    topic: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/),
    data: z.unknown(),
  }),
  z.object({ k: z.literal('leave'), reason: z.string().max(256) }),
]);

/** kernel → agent, after `welcome`, by kind `k`. */
export const kernelMessage = z.discriminatedUnion('k', [
  z.object({ k: z.literal('hback'), n: ms }),
  z.object({
    k: z.literal('cmd'),
    id: z.string().min(1).max(128),
    op: z.string().regex(/^[a-z][a-zA-Z0-9._-]{0,63}$/),
    args: z.unknown(),
    deadlineMs: z.number().int().min(1).max(86_400_000).optional(),
  }),
  z.object({ k: z.literal('close'), code: z.string().max(64), reason: z.string().max(256) }),
]);

/** The kinds as types. */
export type ChallengeMessage = z.output<typeof challengeMessage>;
export type HelloMessage = z.output<typeof helloMessage>;
export type WelcomeMessage = z.output<typeof welcomeMessage>;
export type RefusedMessage = z.output<typeof refusedMessage>;
export type LoadSummary = z.output<typeof loadSummary>;
export type AgentMessage = z.output<typeof agentMessage>;
export type KernelMessage = z.output<typeof kernelMessage>;
