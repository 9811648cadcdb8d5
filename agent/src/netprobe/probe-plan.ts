import { isIP } from 'node:net';
import { omegaError } from '@omega/protocol';
import { z } from 'zod';

/** One peer to probe: its node id and name, and where its probe responder listens. */
export interface ProbePeer {
  node: string;
  name?: string;
  address: string;
  port: number;
}

/**
 * What the network plugin hands an agent with the `netprobe.plan` command: whom to probe, how
 * often and how hard, the window the figures cover, and the key that authenticates probes
 * (every agent of the cluster gets the same one; the previous key is still accepted for one
 * plan change, so agents switching at different moments keep answering each other).
 */
export interface ProbePlan {
  /** The plan's id (the plugin's idempotency key; reported back so the plugin can tell who has it). */
  id: string;
  /** Base64url of the 32-byte HMAC key; `keyId` names it inside each packet. */
  key: string;
  keyId: number;
  /** A round every `intervalMs` (± 10 %). */
  intervalMs: number;
  /** Probes per peer per round. */
  packets: number;
  /** Time between two probes to the same peer. */
  spacingMs: number;
  /** A probe unanswered for this long is lost. */
  timeoutMs: number;
  /** The figures reported cover the last `windowMs`. */
  windowMs: number;
  peers: ProbePeer[];
  /** TCP connects to the kernel every `everyRounds` rounds, `count` of them (0: never). */
  kernel: { everyRounds: number; count: number };
  /** A `net.probe` report every this many rounds (a large cluster paces its reports). */
  reportEveryRounds: number;
}

/** Most peers one plan may name (bounds the cost of one agent). */
export const MAX_PLAN_PEERS = 64;

const b64url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url 32-byte key');

/** An address probes may be sent to: IPv4 or IPv6, unicast and specified. */
function isProbeAddress(a: string): boolean {
  const v = isIP(a);
  if (v === 4) {
    const first = Number(a.split('.')[0]);
    return a !== '0.0.0.0' && a !== '255.255.255.255' && !(first >= 224 && first <= 239);
  }
  if (v === 6) return a !== '::' && !/^ff/i.test(a);
  return false;
}

const planSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,120}$/),
    key: b64url32,
    keyId: z.number().int().min(0).max(65_535),
    intervalMs: z.number().int().min(1_000).max(3_600_000),
    packets: z.number().int().min(1).max(20),
    spacingMs: z.number().int().min(10).max(10_000),
    timeoutMs: z.number().int().min(100).max(10_000),
    windowMs: z.number().int().min(1_000).max(86_400_000),
    peers: z
      .array(
        z.object({
          node: z.string().min(1).max(128),
          name: z.string().max(128).optional(),
          address: z.string().max(64).refine(isProbeAddress, 'a unicast IPv4 or IPv6 address'),
          port: z.number().int().min(1).max(65_535),
        }),
      )
      .max(MAX_PLAN_PEERS),
    kernel: z.object({
      everyRounds: z.number().int().min(1).max(1_000),
      count: z.number().int().min(0).max(10),
    }),
    reportEveryRounds: z.number().int().min(1).max(1_000).default(1),
  })
  .refine((p) => p.packets * p.spacingMs + p.timeoutMs <= p.intervalMs, {
    message: 'packets × spacingMs + timeoutMs must fit in intervalMs',
    path: ['intervalMs'],
  })
  .refine((p) => p.windowMs >= p.intervalMs, { message: 'must be at least intervalMs', path: ['windowMs'] });

/**
 * Validates `netprobe.plan` arguments. A bad plan is refused with OMEGA_ERR_VALIDATION and the
 * fields at fault (the plugin sees them in the command's result); the agent keeps its last plan.
 */
export function parseProbePlan(args: unknown): ProbePlan {
  const r = planSchema.safeParse(args);
  if (r.success) return r.data as ProbePlan;
  const errors = r.error.issues
    .slice(0, 20)
    .map((i) => ({ field: i.path.join('.') || '(plan)', message: i.message }));
  throw omegaError(
    'OMEGA_ERR_VALIDATION',
    `Invalid probe plan: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    { errors },
  );
}
