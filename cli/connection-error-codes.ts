/**
 * The codes of the CLI's own ApiErrors for a call that got no kernel's answer (beside the
 * kernel's `OMEGA_ERR_*` and `HTTP_<status>`), each with what it means. One table, so a code is
 * never a loose string compared with `===`: a typo is a compile error.
 */
export const CONNECTION_ERROR_CODES = {
  TIMEOUT: 'no answer within the call’s time limit',
  NOT_OMEGA: 'a server answered, but not as an Omega kernel (not JSON)',
  NOT_TLS: 'https:// to a port that answered in plain http',
  TLS_FAILED: 'the TLS handshake failed (protocol version, cipher, client certificate)',
  TLS_WRONG_NAME: 'the TLS certificate is for another host name',
  TLS_UNTRUSTED: 'the TLS certificate is not trusted (self-signed, unknown CA)',
  TLS_EXPIRED: 'the TLS certificate is expired or not valid yet',
  UNRESOLVED: 'the host name does not resolve',
  UNREACHABLE: 'no answer: the connection was refused, reset or closed',
} as const satisfies Record<string, string>;

/** A code of {@link CONNECTION_ERROR_CODES}. */
export type ConnectionErrorCode = keyof typeof CONNECTION_ERROR_CODES;

/** True when an ApiError's `code` says no kernel answered the call (not a kernel's refusal). */
export function isConnectionErrorCode(code: string): code is ConnectionErrorCode {
  return Object.hasOwn(CONNECTION_ERROR_CODES, code);
}
