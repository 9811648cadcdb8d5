import type {
  AgentConnectionResult,
  AgentGatewayInfoResult,
  CapabilityDescriptor,
  DiscoveredAgentResult,
  EphemeralPageResult,
  EventRecord,
  FetchResult,
  ListPageResult,
  StoredRecordResult,
  SystemArea,
  SystemSampleResult,
  TransactionOpResult,
} from '@omega/protocol';
import type { Logger } from '../log/index.js';

/** The single choke point: throws (OMEGA_ERR_PERM_DENIED) unless the plugin may do this. */
export type Authorize = (descriptor: CapabilityDescriptor) => void;

/** One plugin's storage namespace (kernel/storage's `NamespaceView` fits). */
export interface SandboxStorage {
  get(collection: string, id: string): Promise<StoredRecordResult | undefined>;
  set(
    collection: string,
    id: string,
    value: unknown,
    opts?: { expectedVersion?: number },
  ): Promise<StoredRecordResult>;
  delete(collection: string, id: string, opts?: { expectedVersion?: number }): Promise<boolean>;
  list(
    collection: string,
    opts?: { prefix?: string; limit?: number; cursor?: string },
  ): Promise<ListPageResult>;
  /** Sets and deletes all or nothing (OMEGA_ERR_CONFLICT naming the op whose version check failed). */
  transaction(ops: readonly SandboxTransactionOp[]): Promise<TransactionOpResult[]>;
}

/** One op of {@link SandboxStorage.transaction}. */
export type SandboxTransactionOp =
  | { op: 'set'; collection: string; id: string; value: unknown; expectedVersion?: number }
  | { op: 'delete'; collection: string; id: string; expectedVersion?: number };

/** The event bus (kernel/bus's `EventBus` fits): the handler gets batches, one at a time. */
export interface SandboxBus {
  /** `bytes`: the event's JSON length when known (the bus bounds its replay window by it). */
  publish(topic: string, data: unknown, opts?: { bytes?: number }): { seq: number };
  subscribe(
    patterns: string[],
    handler: (batch: EventRecord[]) => void | Promise<void>,
    opts?: { maxQueue?: number },
  ): { unsubscribe(): void };
}

/** Host metrics (kernel/system's `SystemInfo` fits). */
export interface SandboxSystem {
  read(area: SystemArea): Promise<unknown>;
  /** Several areas in one call: each reading, or its error's code and message (see `system.sample`). */
  sample(areas: readonly SystemArea[]): Promise<SystemSampleResult>;
}

/** The crypto operations a plugin may be granted (kernel/crypto's `KernelCrypto` fits). */
export interface SandboxCrypto {
  signJws(payload: string): Promise<string>;
  verifyJws(jws: string): Promise<{ payload: Uint8Array; kid: string }>;
  hash(alg: 'sha256' | 'sha512', data: string): string;
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, stored: string): Promise<boolean>;
  randomId(bytes?: number): string;
  seal(plaintext: string, aad?: string): string;
  open(sealed: string, aad?: string): Uint8Array;
  /** HMAC under a key the kernel derived for this plugin alone (`<kid>.<mac>`). */
  mac(data: string): string;
  /** Constant-time check of one of this plugin's MACs. */
  verifyMac(data: string, mac: string): boolean;
}

/** Options of an outbound fetch, as validated by the protocol. */
export interface SandboxFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/**
 * Safe outbound HTTP (kernel/net): address checks, pinned connect, capped body; `signal`
 * aborts it when the plugin's session ends.
 */
export type SandboxFetch = (
  url: string,
  init?: SandboxFetchInit,
  signal?: AbortSignal,
) => Promise<FetchResult>;

/** Other plugins' services; the caller is already bound (identity from the channel). */
export interface SandboxServices {
  call(service: string, args: unknown): Promise<unknown>;
}

/** Access tokens for the auth provider: the kernel signs them (keys never leave kernel/crypto). */
export interface SandboxAuth {
  signAccessToken(
    sub: string,
    claims: {
      jti: string;
      perms: string[];
      deny: string[];
      fam?: string | undefined;
      name?: string | undefined;
    },
    ttlSec: number,
  ): Promise<string>;
}

/** One plugin's ephemeral stores (memory, persisted in batches, bounded per plugin). */
export interface SandboxEphemeral {
  get(store: string, key: string): Promise<unknown>;
  set(store: string, key: string, value: unknown): Promise<void>;
  setMany(store: string, entries: readonly [string, unknown][]): Promise<void>;
  delete(store: string, key: string): Promise<boolean>;
  list(
    store: string,
    opts?: { prefix?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
  ): Promise<EphemeralPageResult>;
}

/** The kernel's agent gateway as the gateway plugin reaches it (docs/agent-protocol.md §2). */
export interface SandboxAgents {
  send(node: string, message: unknown): Promise<{ delivered: boolean }>;
  disconnect(node: string, reason: string): Promise<boolean>;
  connections(): Promise<AgentConnectionResult[]>;
  info(): Promise<AgentGatewayInfoResult>;
  invite(
    address: string,
    port: number,
    invitation: { server: string; token: string; certSha256?: string | undefined },
  ): Promise<{ ok: boolean }>;
  discovered(): Promise<DiscoveredAgentResult[]>;
}

/**
 * What one plugin's host calls are served by. Built by the kernel per plugin (namespace
 * view, logger child, caller-bound services); a capability left out answers
 * OMEGA_ERR_UNAVAILABLE.
 */
export interface HostServices {
  log: Logger;
  storage?: SandboxStorage;
  bus?: SandboxBus;
  system?: SandboxSystem;
  crypto?: SandboxCrypto;
  fetch?: SandboxFetch;
  services?: SandboxServices;
  auth?: SandboxAuth;
  ephemeral?: SandboxEphemeral;
  agents?: SandboxAgents;
}
