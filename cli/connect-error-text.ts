import { CERT_DATE_CODES, PLAIN_ANSWER_CODES, UNTRUSTED_CERT_CODES } from '@omega/protocol';
import type { ConnectionErrorCode } from './connection-error-codes.js';
import { unresolvedHostText } from './system-error-text.js';

/** getaddrinfo's codes for a host name that does not resolve (no such name; no answer now). */
const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN']);

/**
 * Why no answer came from `url`, as one line saying what to do, with a code for the ApiError:
 * fetch's cause is an OpenSSL line (`…:error:0A00010B:SSL routines:ssl3_get_record:wrong version
 * number:…`) or a socket's words, neither of which tells a user that the scheme or port is wrong.
 */
export function connectErrorText(url: string, err: Error): { message: string; code: ConnectionErrorCode } {
  const cause = (err.cause instanceof Error ? err.cause : err) as Error & {
    code?: string;
    hostname?: unknown;
  };
  const code = typeof cause.code === 'string' ? cause.code : '';
  const u = new URL(url);
  if (UNRESOLVED.has(code))
    return {
      message: `${unresolvedHostText(typeof cause.hostname === 'string' ? cause.hostname : u.hostname, code)} (kernel URL ${url})`,
      code: 'UNRESOLVED',
    };
  if (u.protocol === 'https:' && PLAIN_ANSWER_CODES.has(code))
    return {
      message: `the server at ${url} does not speak TLS on that port; use http://${u.host} if the kernel serves plain http there, or check the port`,
      code: 'NOT_TLS',
    };
  if (u.protocol === 'https:' && code.startsWith('ERR_SSL_'))
    return {
      message: `the TLS handshake with ${url} failed (${code}); check the kernel's TLS settings (protocol versions, ciphers) and its log`,
      code: 'TLS_FAILED',
    };
  if (u.protocol === 'https:' && code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return {
      message: `the TLS certificate of ${url} is not for ${u.hostname}; use the name it was issued for in --url`,
      code: 'TLS_WRONG_NAME',
    };
  if (u.protocol === 'https:' && CERT_DATE_CODES.has(code))
    return {
      message: `the TLS certificate of ${url} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'} (${code}); renew it, or check this machine's clock`,
      code: 'TLS_EXPIRED',
    };
  if (u.protocol === 'https:' && UNTRUSTED_CERT_CODES.has(code))
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
