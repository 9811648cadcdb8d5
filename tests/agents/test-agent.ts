import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  AGENT_SUBPROTOCOL,
  challengeMessage,
  challengeTranscript,
  decodeFrame,
  deriveSessionKeys,
  encodeFrame,
  ephemeralKey,
  helloTranscript,
  kernelMessage,
  verifyEd25519,
} from '@omega/protocol/agent-wire';
import WebSocket from 'ws';

/** An identity key pair as an agent keeps it. */
export interface Identity {
  privateKey: KeyObject;
  publicKey: string;
}

/** A fresh Ed25519 identity. */
export function newIdentity(): Identity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: String(publicKey.export({ format: 'jwk' }).x) };
}

/** What the handshake ended with. */
export type Outcome =
  | { ok: true; node: string; name: string; heartbeatMs: number }
  | { ok: false; code: string; message: string; closeCode: number };

/**
 * A minimal peer of the kernel's agent gateway speaking docs/agent-protocol.md with real keys
 * and MACs (for the gateway's own tests; the product agent lives in agent/). Options let a
 * test break the protocol on purpose.
 */
export class TestAgent {
  readonly ws: WebSocket;
  readonly received: Array<Record<string, unknown>> = [];
  closed: { code: number; reason: string } | undefined;
  private keys: { up: Buffer; down: Buffer } | undefined;
  private seqUp = 0;
  private seqDown = 0;
  private outcome: Promise<Outcome>;

  constructor(
    url: string,
    readonly identity: Identity,
    hello: {
      mode: 'join' | 'resume';
      token?: string;
      node?: string;
      name?: string;
      forgeSignature?: boolean;
      /** Sent as the hello's signature instead of one made with the identity's key. */
      sig?: string;
    },
  ) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/agents/connect`, [AGENT_SUBPROTOCOL]);
    const eph = ephemeralKey();
    this.outcome = new Promise<Outcome>((resolve, reject) => {
      let nonce = '';
      this.ws.on('error', reject);
      this.ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve({ ok: false, code: 'closed', message: reason.toString(), closeCode: code });
      });
      this.ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) {
          if (!this.keys) throw new Error('binary before welcome');
          const f = decodeFrame(this.keys.down, this.seqDown + 1, data);
          if ('error' in f) throw new Error(`kernel frame ${f.error}`);
          this.seqDown++;
          this.received.push(kernelMessage.parse(JSON.parse(f.json)) as Record<string, unknown>);
          return;
        }
        const m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        if (m.t === 'challenge') {
          const c = challengeMessage.parse(m);
          nonce = c.nonce;
          const text = challengeTranscript(c.nonce, c.kernel.x25519);
          if (!c.kernel.sigs.every((s) => verifyEd25519(s.publicKey, text, s.sig)))
            reject(new Error('kernel signature does not verify'));
          const transcript = helloTranscript({
            nonce,
            kernelX25519: c.kernel.x25519,
            agentX25519: eph.publicKey,
            mode: hello.mode,
            node: hello.node,
            token: hello.token,
          });
          const signer = hello.forgeSignature ? newIdentity().privateKey : identity.privateKey;
          this.keys = deriveSessionKeys(eph.privateKey, c.kernel.x25519, nonce);
          this.ws.send(
            JSON.stringify({
              t: 'hello',
              v: 1,
              mode: hello.mode,
              ...(hello.node ? { node: hello.node } : {}),
              ...(hello.token ? { token: hello.token } : {}),
              name: hello.name ?? 'test-agent',
              publicKey: identity.publicKey,
              x25519: eph.publicKey,
              agentVersion: '0.0.0-test',
              sig: hello.sig ?? sign(null, Buffer.from(transcript), signer).toString('base64url'),
            }),
          );
        } else if (m.t === 'welcome') {
          resolve({
            ok: true,
            node: String(m.node),
            name: String(m.name),
            heartbeatMs: Number(m.heartbeatMs),
          });
        } else if (m.t === 'refused') {
          resolve({ ok: false, code: String(m.code), message: String(m.message), closeCode: 0 });
        }
      });
    });
  }

  /** Resolves when the handshake is done (or refused). */
  handshake(): Promise<Outcome> {
    return this.outcome;
  }

  /** Sends a MAC'd message; `seq` overrides the sequence (to replay or skip). */
  send(message: Record<string, unknown>, opts: { seq?: number; key?: Buffer } = {}): void {
    if (!this.keys) throw new Error('not open');
    const seq = opts.seq ?? ++this.seqUp;
    this.ws.send(encodeFrame(opts.key ?? this.keys.up, seq, JSON.stringify(message)));
  }

  /** The raw bytes of the next frame `send` would write (to replay them later). */
  frame(message: Record<string, unknown>): Buffer {
    if (!this.keys) throw new Error('not open');
    return encodeFrame(this.keys.up, ++this.seqUp, JSON.stringify(message));
  }

  /** Waits until a received message matches. */
  async waitFor(
    match: (m: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find(match);
      if (hit) return hit;
      if (Date.now() > until) throw new Error('timed out waiting for a kernel message');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the socket to close. */
  async waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    const until = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > until) throw new Error('socket did not close');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closed;
  }

  close(): void {
    this.ws.close(1000, 'bye');
  }
}
