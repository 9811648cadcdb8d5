import { describe, expect, it } from 'vitest';
import { connectErrorText } from '../../cli/connect-error-text.js';
import { CONNECTION_ERROR_CODES, isConnectionErrorCode } from '../../cli/connection-error-codes.js';

/** fetch's "fetch failed" with `code` on its cause, as undici reports a failed connection. */
const failed = (code: string, extra: Record<string, unknown> = {}): Error =>
  new TypeError('fetch failed', {
    cause: Object.assign(new Error(`openssl or socket words (${code})`), { code, ...extra }),
  });

describe('connectErrorText: why no answer came, in words that name the fix', () => {
  const url = 'https://omega.example:7700';

  it('only a plain-http answer on a TLS port suggests http://', () => {
    for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG'])
      expect(connectErrorText(url, failed(code))).toEqual({
        message: `the server at ${url} does not speak TLS on that port; use http://omega.example:7700 if the kernel serves plain http there, or check the port`,
        code: 'NOT_TLS',
      });
  });

  it('any other TLS failure is a handshake that failed, never a hint to send the token in clear', () => {
    // A real TLS server with a protocol-version or cipher problem: "does not speak TLS" was wrong,
    // and http:// would send the bearer token in clear text.
    for (const code of [
      'ERR_SSL_UNSUPPORTED_PROTOCOL',
      'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    ]) {
      const r = connectErrorText(url, failed(code));
      expect(r).toEqual({
        message: `the TLS handshake with ${url} failed (${code}); check the kernel's TLS settings (protocol versions, ciphers) and its log`,
        code: 'TLS_FAILED',
      });
      expect(r.message).not.toContain('http://');
    }
  });

  it('a certificate for another name says so, not "give its CA"', () => {
    const r = connectErrorText(url, failed('ERR_TLS_CERT_ALTNAME_INVALID'));
    expect(r).toEqual({
      message: `the TLS certificate of ${url} is not for omega.example; use the name it was issued for in --url`,
      code: 'TLS_WRONG_NAME',
    });
    expect(r.message).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(connectErrorText(url, failed('DEPTH_ZERO_SELF_SIGNED_CERT')).code).toBe('TLS_UNTRUSTED');
  });

  // An expired certificate said "not trusted … give its CA with NODE_EXTRA_CA_CERTS": no CA helps.
  it('an expired or not yet valid certificate says to renew it or check the clock', () => {
    expect(connectErrorText(url, failed('CERT_HAS_EXPIRED'))).toEqual({
      message: `the TLS certificate of ${url} is expired (CERT_HAS_EXPIRED); renew it, or check this machine's clock`,
      code: 'TLS_EXPIRED',
    });
    expect(connectErrorText(url, failed('CERT_NOT_YET_VALID')).message).toMatch(/is not valid yet/);
  });

  it('a host name that does not resolve says so (it said "no kernel answers")', async () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN'])
      expect(
        connectErrorText(url, failed(code, { syscall: 'getaddrinfo', hostname: 'omega.example' })),
      ).toEqual({
        message: `cannot resolve the host name "omega.example" (${code}); check its spelling, or give an IP address (kernel URL ${url})`,
        code: 'UNRESOLVED',
      });
    // What fetch really reports for a name that cannot resolve (.invalid never does, RFC 6761).
    const real = 'http://no-such-host.invalid:7700';
    const err = await fetch(real).then(
      () => new Error('answered'),
      (e: Error) => e,
    );
    expect(connectErrorText(real, err).message).toMatch(
      /^cannot resolve the host name "no-such-host\.invalid" \((ENOTFOUND|EAI_AGAIN)\); check its spelling, or give an IP address \(kernel URL http:\/\/no-such-host\.invalid:7700\)$/,
    );
  });

  it('every code it gives is one of the table the CLI checks codes against, and no kernel code is', () => {
    const codes = [
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'ERR_SSL_X',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'CERT_HAS_EXPIRED',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'ENOTFOUND',
      'ECONNREFUSED',
    ]
      .map((c) => connectErrorText(url, failed(c)).code)
      .concat(connectErrorText('http://h:1', failed('UND_ERR_SOCKET')).code);
    expect(new Set(codes)).toEqual(
      new Set([
        'NOT_TLS',
        'TLS_FAILED',
        'TLS_WRONG_NAME',
        'TLS_EXPIRED',
        'TLS_UNTRUSTED',
        'UNRESOLVED',
        'UNREACHABLE',
      ]),
    );
    for (const code of [...codes, 'TIMEOUT', 'NOT_OMEGA'])
      expect(isConnectionErrorCode(code), code).toBe(true);
    for (const code of ['OMEGA_ERR_UNAVAILABLE', 'HTTP_404', 'toString', '__proto__'])
      expect(isConnectionErrorCode(code), code).toBe(false);
    expect(Object.keys(CONNECTION_ERROR_CODES)).toHaveLength(9);
  });
});
