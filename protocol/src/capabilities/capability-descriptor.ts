/**
 * Permission descriptors: small tagged unions with one scope field each (after Deno's
 * CapabilityDescriptor). Manifest strings such as `events:publish:nodes.*` are parsed into
 * these in one place (parse-permission.ts); host calls ask for one of these, and the choke
 * point (check-permission.ts) decides. Deny wins.
 */
export type CapabilityDescriptor =
  /** The plugin's own storage namespace. Manifest: `storage`. */
  | { kind: 'storage' }
  /** Publish to topics matching `topic` (a pattern). Manifest: `events:publish:<pattern>`. */
  | { kind: 'events.publish'; topic: string }
  /** Subscribe to topics matching `topic` (a pattern). Manifest: `events:subscribe:<pattern>`. */
  | { kind: 'events.subscribe'; topic: string }
  /** Mount the HTTP routes declared in the manifest. Manifest: `http:routes`. */
  | { kind: 'http.routes' }
  /** Read host metrics of one area (`*` for all). Manifest: `system:read:<area>`. */
  | { kind: 'system.read'; area: SystemArea | '*' }
  /** Outbound HTTP to one origin (`scheme://host[:port]`, normalised). Manifest: `net:fetch:<origin>`. */
  | { kind: 'net.fetch'; origin: string }
  /** One crypto operation. Manifest: `crypto:<op>`. */
  | { kind: 'crypto'; op: CryptoOp }
  /** Call another plugin's declared service `<plugin>.<service>`. Manifest: `services:call:<plugin>.<service>`. */
  | { kind: 'services.call'; service: string }
  /** Kernel timers (`every`/`after`). Manifest: `timers`. */
  | { kind: 'timers' }
  /** Log into the kernel log. Manifest: `log`. */
  | { kind: 'log' }
  /** Answer the kernel's authentication/authorization questions. Manifest: `auth:provider`. */
  | { kind: 'auth.provider' };

/** The kinds of permission, e.g. `events.publish`. */
export type CapabilityKind = CapabilityDescriptor['kind'];

/** Areas of the system capability. */
export type SystemArea = 'cpu' | 'memory' | 'disk' | 'network' | 'temperature' | 'gpu' | 'topology';

/** Crypto operations a plugin may be granted (never key material). */
export type CryptoOp = 'sign' | 'verify' | 'hash' | 'password' | 'random' | 'seal';
