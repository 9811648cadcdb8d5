import { z } from 'zod';

const sinkName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1–32 of [a-z0-9_-], starting with a letter or digit');
/** Topic patterns as the event stream takes them (`security.audit.checkpoint`, `ops.**`). */
const topics = z
  .array(z.string().regex(/^[a-z0-9_*-]+(\.[a-z0-9_*-]+)*$/, 'must be a topic or pattern like a.b.* or a.**'))
  .min(1)
  .max(32);
const common = {
  name: sinkName,
  topics,
  /** Events waiting for delivery at most; past it the oldest are dropped (and counted). */
  queueMax: z.number().int().min(1).max(100_000).default(10_000),
};

/** POSTs batches of events as JSON, signed with HMAC-SHA256 when a secret is configured. */
export const webhookSinkSchema = z
  .object({
    type: z.literal('webhook'),
    ...common,
    // Never user info: fetch refuses such a URL with an error that quotes it whole, so the
    // password would reach the sink's status, its log lines, and every retry; never delivered.
    url: z.url({ protocol: /^https?$/ }).refine((u) => {
      const { username, password } = new URL(u);
      return username === '' && password === '';
    }, 'must not carry user info (user:password@); authenticate the receiver with secretFile (HMAC signature)'),
    /** A file holding the HMAC key for the `Omega-Signature` header (kept out of the config itself). */
    secretFile: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    batchMax: z.number().int().min(1).max(500).default(100),
  })
  .strict();

/** Syslog facilities by name (RFC 5424 §6.2.1). */
export const SYSLOG_FACILITIES = {
  kern: 0,
  user: 1,
  daemon: 3,
  auth: 4,
  syslog: 5,
  authpriv: 10,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

/** Sends each event as one RFC 5424 message over UDP, or TCP with octet counting (RFC 6587). */
export const syslogSinkSchema = z
  .object({
    type: z.literal('syslog'),
    ...common,
    address: z
      .string()
      .regex(
        /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/,
        'must be udp://HOST:PORT or tcp://HOST:PORT',
      ),
    facility: z.enum(Object.keys(SYSLOG_FACILITIES) as [keyof typeof SYSLOG_FACILITIES]).default('auth'),
    appName: z
      .string()
      .regex(/^[!-~]{1,48}$/, 'must be 1–48 printable ASCII characters without spaces')
      .default('omega'),
  })
  .strict();

/** Where events go beyond the event stream: an operator's webhook receiver or syslog server. */
export const sinksSchema = z
  .array(z.discriminatedUnion('type', [webhookSinkSchema, syslogSinkSchema]))
  .max(16)
  .refine((list) => new Set(list.map((s) => s.name)).size === list.length, 'sink names must be unique')
  .default([]);

/** One webhook sink, validated. */
export type WebhookSinkConfig = z.infer<typeof webhookSinkSchema>;
/** One syslog sink, validated. */
export type SyslogSinkConfig = z.infer<typeof syslogSinkSchema>;
/** Any sink, validated. */
export type SinkConfig = WebhookSinkConfig | SyslogSinkConfig;
