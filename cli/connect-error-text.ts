/** Certificate errors (Node's and OpenSSL's codes): the server speaks TLS, but this CLI does not trust it. */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Why no answer came from `url`, as one line saying what to do, with a code for the ApiError:
 * fetch's cause is an OpenSSL line (`…:error:0A00010B:SSL routines:ssl3_get_record:wrong version
 * number:…`) or a socket's words, neither of which tells a user that the scheme or port is wrong.
 */
export function connectErrorText(url: string, err: Error): { message: string; code: string } {
  const cause = (err.cause instanceof Error ? err.cause : err) as Error & { code?: string };
  const code = typeof cause.code === 'string' ? cause.code : '';
  const u = new URL(url);
  if (u.protocol === 'https:' && code.startsWith('ERR_SSL_'))
    return {
      message: `the server at ${url} does not speak TLS on that port; use http://${u.host} if the kernel serves plain http there, or check the port`,
      code: 'NOT_TLS',
    };
  if (u.protocol === 'https:' && UNTRUSTED.has(code))
    return {
      message: `the TLS certificate of ${url} is not trusted (${code}); give its CA with NODE_EXTRA_CA_CERTS=ca.pem, or check --url`,
      code: 'TLS_UNTRUSTED',
    };
  // A TLS server drops a request in plain text without an answer.
  if (u.protocol === 'http:' && code === 'UND_ERR_SOCKET')
    return {
      message: `the server at ${url} closed the connection without an answer; if it serves https there, use https://${u.host}, else check the kernel's log`,
      code: 'UNREACHABLE',
    };
  return {
    message: `no kernel answers at ${url} (${cause.message}); start one with omega start, or point at another with --url / --context`,
    code: 'UNREACHABLE',
  };
}
