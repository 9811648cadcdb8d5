/*
 * How a client (the CLI, an agent) reads a failed TLS connection to a kernel: Node's and
 * OpenSSL's error codes, sorted by what the user should check. One list for every client, so
 * each says the same thing for the same failure.
 */

/** A certificate chain this client does not trust: self-signed, or an issuer it does not know. */
export const UNTRUSTED_CERT_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** A certificate outside its validity dates: renew it, or check this machine's clock. */
export const CERT_DATE_CODES: ReadonlySet<string> = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/**
 * OpenSSL's codes for a first answer that is no TLS record (a plain-http server's `HTTP/1.1 400`):
 * only these mean "wrong scheme"; any other ERR_SSL_* is a real TLS server whose handshake failed,
 * and suggesting http:// there would send a token in clear.
 */
export const PLAIN_ANSWER_CODES: ReadonlySet<string> = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
]);
