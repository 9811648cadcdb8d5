import { z } from 'zod';

const b64u32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes, base64url');
const b64u64 = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be 64 bytes, base64url');

/** kernel → agent, first text frame: the kernel's signed ephemeral key and a nonce. */
export const challengeSchema = z.object({
  t: z.literal('challenge'),
  v: z.literal(1),
  nonce: b64u32,
  kernel: z.object({ kid: z.string().min(1).max(128), publicKey: b64u32, x25519: b64u32, sig: b64u64 }),
  time: z.number().optional(),
});
/** A parsed `challenge`. */
export type Challenge = z.infer<typeof challengeSchema>;

/** kernel → agent: the handshake succeeded. */
export const welcomeSchema = z.object({
  t: z.literal('welcome'),
  node: z.string().min(1).max(128),
  name: z.string().min(1).max(128),
  heartbeatMs: z.number().int().min(100).max(3_600_000),
  kernel: z.object({ kid: z.string().min(1).max(128), publicKey: b64u32 }),
  time: z.number().optional(),
});
/** A parsed `welcome`. */
export type Welcome = z.infer<typeof welcomeSchema>;

/** kernel → agent: the handshake was refused (then close 4403, or 4429 with a retry hint). */
export const refusedSchema = z.object({
  t: z.literal('refused'),
  code: z.string().min(1).max(128),
  message: z.string().max(2048).default(''),
  retryAfterSec: z.number().nonnegative().max(86_400).optional(),
});
/** A parsed `refused`. */
export type Refused = z.infer<typeof refusedSchema>;

/** Messages in MAC'd binary frames, kernel → agent. */
export const kernelFrameSchema = z.discriminatedUnion('k', [
  z.object({ k: z.literal('hback'), n: z.number().int().nonnegative() }),
  z.object({
    k: z.literal('cmd'),
    id: z.string().min(1).max(256),
    op: z.string().min(1).max(128),
    args: z.unknown().optional(),
    deadlineMs: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 3_600_000)
      .optional(),
  }),
  z.object({
    k: z.literal('close'),
    code: z.string().max(128).optional(),
    reason: z.string().max(2048).optional(),
  }),
]);
/** One kernel → agent frame message. */
export type KernelFrame = z.infer<typeof kernelFrameSchema>;
/** A `cmd` frame. */
export type CommandFrame = Extract<KernelFrame, { k: 'cmd' }>;
