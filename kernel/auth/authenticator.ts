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
}

/** Extracts a bearer token from an Authorization header value. */
export function bearerFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ ]+([\x21-\x7e]{1,4096})$/i.exec(header.trim());
  return m?.[1];
}

/** Tries authenticators in order; the first that recognises the credentials wins. */
export function chainAuthenticators(list: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(credentials) {
      for (const a of list) {
        const p = await a.authenticate(credentials);
        if (p) return p;
      }
      return null;
    },
  };
}
