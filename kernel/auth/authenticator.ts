import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './principal.js';

/** What an authenticator gets to decide who is calling. */
export interface Credentials {
  /** The bearer token, if any (from `Authorization: Bearer …` or the WebSocket subprotocol). */
  bearer?: string;
  headers: IncomingHttpHeaders | Record<string, string>;
  /** The client's address. */
  remote?: string;
  /** The request method and path with query (HTTP only; signed requests cover them). */
  method?: string;
  url?: string;
}

/**
 * Resolves credentials to a principal. The kernel ships one that knows the admin token;
 * the security plugin plugs in later through the `auth:provider` capability.
 * Returns null when the credentials are absent or not valid.
 */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Principal | null>;
  /**
   * What authenticate() would answer, when that is known without waiting or any other effect:
   * a principal (e.g. a cached decision), null (not this authenticator's kind of credential),
   * or undefined (it cannot tell synchronously: call authenticate). Never throws. Lets a
   * request with a known token skip the promise chain; absent means always undefined.
   */
  peek?(credentials: Credentials): Principal | null | undefined;
  /**
   * The principal of a decision this authenticator already made (verified, cached, unexpired,
   * not revoked) for an `Authorization` header value exactly as sent (`Bearer <token>`), or
   * undefined (then ask peek or authenticate). Cuts nothing out of the header. Only credentials
   * the authenticator verified itself are known, so in a chain the first answer is the answer
   * whatever the order. Never throws.
   */
  known?(authorization: string): Principal | undefined;
}

/** Extracts a bearer token from an Authorization header value. */
export function bearerFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ ]+([\x21-\x7e]{1,4096})$/i.exec(header.trim());
  return m?.[1];
}

/**
 * Tries authenticators in order; the first that recognises the credentials wins. Its peek
 * answers only when every authenticator before the one that knows could say "not mine".
 */
export function chainAuthenticators(list: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(credentials) {
      for (const a of list) {
        const p = await a.authenticate(credentials);
        if (p) return p;
      }
      return null;
    },
    known(authorization) {
      for (const a of list) {
        const p = a.known?.(authorization);
        if (p !== undefined) return p;
      }
      return undefined;
    },
    peek(credentials) {
      for (const a of list) {
        const p = a.peek ? a.peek(credentials) : undefined;
        if (p !== null) return p;
      }
      return null;
    },
  };
}
