import { describe, expect, it } from 'vitest';
import { connectErrorText } from '../../src/connection/connect-error-text.js';

const failed = (code: string) => Object.assign(new Error(`openssl or socket words (${code})`), { code });
const url = new URL('wss://omega.example:7700/api/v1/agents/connect');

/*
 * The agent's and the CLI's connection texts kept two lists of the same certificate codes, and
 * had drifted: the agent read only ERR_SSL_WRONG_VERSION_NUMBER as "plain http on that port",
 * and gave ERR_SSL_PACKET_LENGTH_TOO_LONG's raw words. One list now (@omega/protocol).
 */
describe("the agent's connection texts share the CLI's code lists", () => {
  it('both codes of a plain-http answer say the port does not speak TLS', () => {
    for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG'])
      expect(connectErrorText(failed(code), url)).toBe(
        "omega.example:7700 does not speak TLS on that port: use http:// in --server, or the kernel's TLS port",
      );
  });

  it('an expired certificate says renew; an unknown issuer says pin', () => {
    expect(connectErrorText(failed('CERT_HAS_EXPIRED'), url)).toMatch(
      /^the kernel's certificate is expired: renew it/,
    );
    expect(connectErrorText(failed('SELF_SIGNED_CERT_IN_CHAIN'), url)).toMatch(
      /^the kernel's certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\): pin it with --cert-sha256/,
    );
  });
});
