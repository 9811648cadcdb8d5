import { createHash, createHmac, createPrivateKey } from 'node:crypto';
import {
  challengeTranscript,
  decodeFrame,
  deriveSessionKeys,
  encodeFrame,
  helloTranscript,
  tokenDigest,
  verifyEd25519,
} from '@omega/protocol/agent-wire';
import { describe, expect, it } from 'vitest';

const hex = (h: string) => Buffer.from(h, 'hex');
const b64u = (h: string) => hex(h).toString('base64url');

/** HKDF-SHA256 (RFC 5869) written out, to check the shared implementation against. */
function hkdf(ikm: Buffer, salt: Buffer, info: string, length: number): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; out.length * 32 < length; i++) {
    t = createHmac('sha256', prk)
      .update(Buffer.concat([t, Buffer.from(info), Buffer.from([i])]))
      .digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}

describe('the agent wire protocol the agent relies on (@omega/protocol/agent-wire), by known answers', () => {
  it('verifies Ed25519 with RFC 8032 test vector 1, and nothing altered', () => {
    const pub = b64u('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const sig = b64u(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(verifyEd25519(pub, '', sig)).toBe(true);
    expect(verifyEd25519(pub, 'x', sig)).toBe(false);
    expect(verifyEd25519(pub, '', `${sig.slice(0, -2)}AA`)).toBe(false);
    expect(verifyEd25519('not-a-key', '', sig)).toBe(false);
  });

  it('derives the session keys from X25519 (RFC 7748 §6.1) and HKDF-SHA256 salted with the nonce', () => {
    const alice = createPrivateKey({
      key: {
        kty: 'OKP',
        crv: 'X25519',
        d: b64u('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
        x: b64u('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'),
      },
      format: 'jwk',
    });
    const bobPub = b64u('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = hex('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    const nonce = Buffer.alloc(32, 7).toString('base64url');
    const keys = deriveSessionKeys(alice, bobPub, nonce);
    const okm = hkdf(shared, Buffer.alloc(32, 7), 'omega-agent-v1 session', 64);
    expect(keys.up.equals(okm.subarray(0, 32))).toBe(true);
    expect(keys.down.equals(okm.subarray(32, 64))).toBe(true);
    expect(() => deriveSessionKeys(alice, 'short', nonce)).toThrow();
  });

  it('frames are [MAC 16][sequence 8 BE][JSON] with MAC = HMAC-SHA256(key, sequence ‖ JSON)[0..16]', () => {
    const key = Buffer.alloc(32, 1);
    const json = '{"k":"hb","n":1}';
    const frame = encodeFrame(key, 7, json);
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(7n);
    const mac = createHmac('sha256', key).update(seq).update(json).digest().subarray(0, 16);
    expect(frame.subarray(0, 16).equals(mac)).toBe(true);
    expect(frame.readBigUInt64BE(16)).toBe(7n);
    expect(frame.subarray(24).toString()).toBe(json);
    expect(decodeFrame(key, 7, frame)).toEqual({ json });
    expect(decodeFrame(key, 8, frame)).toEqual({ error: 'sequence' });
    const flipped = Buffer.from(frame);
    flipped[30]! ^= 1;
    expect(decodeFrame(key, 7, flipped)).toEqual({ error: 'mac' });
    expect(decodeFrame(Buffer.alloc(32, 2), 7, frame)).toEqual({ error: 'mac' });
    expect(decodeFrame(key, 7, frame.subarray(0, 20))).toEqual({ error: 'short' });
  });

  it('transcripts bind the challenge, both ephemeral keys, the mode, the node and the token digest', () => {
    expect(challengeTranscript('N', 'X')).toBe('omega-agent-v1|challenge|N|X');
    const digest = createHash('sha256').update('omg-join.tok').digest('base64url');
    expect(tokenDigest('omg-join.tok')).toBe(digest);
    expect(tokenDigest(undefined)).toBe('');
    expect(
      helloTranscript({
        nonce: 'N',
        kernelX25519: 'X',
        agentX25519: 'Y',
        mode: 'join',
        token: 'omg-join.tok',
      }),
    ).toBe(`omega-agent-v1|hello|N|X|Y|join||${digest}`);
    expect(
      helloTranscript({ nonce: 'N', kernelX25519: 'X', agentX25519: 'Y', mode: 'resume', node: 'nd-1' }),
    ).toBe('omega-agent-v1|hello|N|X|Y|resume|nd-1|');
  });
});
