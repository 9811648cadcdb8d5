/** A stored record as the plugin sees it (the kernel storage's bookkeeping plus the value). */
export interface StoredRecordResult<T = unknown> {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  value: T;
}

/** What one op of `storage.transaction` did, at the same index as the op. */
export type TransactionOpResult =
  | { op: 'set'; record: StoredRecordResult }
  | { op: 'delete'; deleted: boolean };

/**
 * One page of `storage.list`; `nextCursor` is absent on the last page. A page may hold fewer than
 * `limit` records and still have a `nextCursor`: it ends early at the plugin's `maxCallBytes` of JSON.
 */
export interface ListPageResult<T = unknown> {
  items: StoredRecordResult<T>[];
  nextCursor?: string;
}

/** What `events.subscribe` answers: the id the kernel delivers events under. */
export interface SubscriptionResult {
  id: number;
}

/** What `timers.every`/`timers.after` answer: the id the kernel fires the timer under. */
export interface TimerResult {
  id: number;
}

/**
 * What a timer's function gets on each tick: with the `sample` option of `timers.every`, the
 * reading of those areas the kernel took when the timer fired (a system.sample answer: an area
 * whose `system:read` grant was revoked is not read and has OMEGA_ERR_PERM_DENIED in `errors`);
 * without it, nothing.
 */
export interface TimerTick {
  sample?: SystemSampleResult;
}

/** A verified JWS: its payload (utf-8) and the signing key's id. */
export interface VerifyResult {
  payload: string;
  kid: string;
}

/** An outbound HTTP response (body decoded as utf-8 text, size-capped by the kernel). */
export interface FetchResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One page of `ephemeral.list`: `[key, value]` pairs in key order; `nextCursor` absent on the last
 * page. Like a storage page, it may end before `limit` (at the plugin's `maxCallBytes` characters).
 */
export interface EphemeralPageResult<T = unknown> {
  entries: [string, T][];
  nextCursor?: string;
}

/** An open agent session, as the kernel's gateway sees it. */
export interface AgentConnectionResult {
  node: string;
  conn: string;
  remote: string;
  /** When the handshake completed (epoch ms, kernel clock). */
  since: number;
  /** When the last frame arrived (epoch ms, kernel clock). */
  lastFrameAt: number;
}

/** What a join token must carry to reach this kernel. */
export interface AgentGatewayInfoResult {
  url: string;
  tls: boolean;
  /** SHA-256 of the kernel's TLS certificate (DER), base64url, when it serves TLS. */
  certSha256?: string;
}

/** An agent announcing itself on the LAN (mDNS `_omega-agent._tcp`). */
export interface DiscoveredAgentResult {
  name: string;
  addresses: string[];
  port: number;
  txt: Record<string, string>;
  seenAt: number;
}

/**
 * What `system.sample` answers: each asked area's reading under its name in `data`, or, for an
 * area whose read failed, its error's code and message under its name in `errors` (one area's
 * failure does not spoil the others, as with one `system.read` per area).
 */
export interface SystemSampleResult {
  data: { [area: string]: unknown };
  errors: { [area: string]: { code: string; message: string } };
}
