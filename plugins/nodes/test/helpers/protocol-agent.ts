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
  welcomeMessage,
} from '@omega/protocol/agent-wire';
import WebSocket from 'ws';

/** An agent identity: Ed25519, the public half raw base64url as the protocol writes it. */
export interface Identity {
  privateKey: KeyObject;
  publicKey: string;
}

/** A fresh identity. */
export function newIdentity(): Identity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: String(publicKey.export({ format: 'jwk' }).x) };
}

/** How a handshake ended. */
export type Outcome =
  | { ok: true; node: string; name: string; heartbeatMs: number }
  | { ok: false; code: string; message: string; closeCode: number };

/** What the peer does with commands: op → handler (args → data); unknown ops answer NOT_FOUND. */
export type Ops = Record<string, (args: unknown) => unknown | Promise<unknown>>;

/** Options of {@link ProtocolAgent}. */
export interface ProtocolAgentOptions {
  url: string;
  identity: Identity;
  name: string;
  /** Join with this token (first time); later connects resume as `node`. */
  token?: string;
  node?: string;
  specs?: Record<string, unknown>;
  ops?: Ops;
  /** Commands are not answered while this returns true (a test holds a result back). */
  holdResults?: () => boolean;
}

/**
 * A real peer of the kernel's agent gateway for the nodes plugin's tests: the handshake of
 * docs/agent-protocol.md with real Ed25519/X25519 keys, MAC'd sequenced frames, heartbeats
 * with load, commands answered at most once per id (a repeated id gets the stored result,
 * as the product agent does), leave, and the ways an agent fails (killed socket, a hung
 * reader). One connection per {@link connect}; the node id is kept for the next one (resume).
 */
export class ProtocolAgent {
  node: string | undefined;
  ws: WebSocket | undefined;
  /** Kernel → agent messages of the current connection. */
  received: Array<Record<string, unknown>> = [];
  /** Ids of commands executed (each once), and their results. */
  readonly executed = new Map<string, Record<string, unknown>>();
  /** Times each command id arrived (re-sends included). */
  readonly arrivals = new Map<string, number>();
  closed: { code: number; reason: string } | undefined;
  private keys: { up: Buffer; down: Buffer } | undefined;
  private seqUp = 0;
  private seqDown = 0;
  private n = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly o: ProtocolAgentOptions) {
    this.node = o.node;
  }

  /** Opens a connection: join (no node yet) or resume; resolves the handshake's outcome. */
  connect(): Promise<Outcome> {
    const o = this.o;
    this.received = [];
    this.closed = undefined;
    this.keys = undefined;
    this.seqUp = 0;
    this.seqDown = 0;
    const mode: 'join' | 'resume' = this.node ? 'resume' : 'join';
    const ws = new WebSocket(`${o.url.replace(/^http/, 'ws')}/api/v1/agents/connect`, [AGENT_SUBPROTOCOL]);
    this.ws = ws;
    const eph = ephemeralKey();
    return new Promise<Outcome>((resolve) => {
      ws.on('error', () => {});
      ws.on('close', (code, reason) => {
        this.stopHeartbeats();
        this.closed = { code, reason: reason.toString() };
        resolve({ ok: false, code: 'closed', message: reason.toString(), closeCode: code });
      });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return this.onFrame(data);
        const m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        if (m.t === 'challenge') {
          const c = challengeMessage.parse(m);
          const text = challengeTranscript(c.nonce, c.kernel.x25519);
          if (!c.kernel.sigs.every((s) => verifyEd25519(s.publicKey, text, s.sig))) {
            ws.terminate();
            return;
          }
          const token = mode === 'join' ? o.token : undefined;
          const transcript = helloTranscript({
            nonce: c.nonce,
            kernelX25519: c.kernel.x25519,
            agentX25519: eph.publicKey,
            mode,
            node: this.node,
            token,
          });
          this.keys = deriveSessionKeys(eph.privateKey, c.kernel.x25519, c.nonce);
          ws.send(
            JSON.stringify({
              t: 'hello',
              v: 1,
              mode,
              ...(mode === 'resume' ? { node: this.node } : {}),
              ...(token ? { token } : {}),
              name: o.name,
              publicKey: o.identity.publicKey,
              x25519: eph.publicKey,
              ...(o.specs ? { specs: o.specs } : {}),
              agentVersion: '0.1.0-test',
              sig: sign(null, Buffer.from(transcript), o.identity.privateKey).toString('base64url'),
            }),
          );
        } else if (m.t === 'welcome') {
          const w = welcomeMessage.parse(m);
          this.node = w.node;
          resolve({ ok: true, node: w.node, name: w.name, heartbeatMs: w.heartbeatMs });
        } else if (m.t === 'refused') {
          resolve({ ok: false, code: String(m.code), message: String(m.message), closeCode: 0 });
        }
      });
    });
  }

  private onFrame(data: Buffer): void {
    if (!this.keys) return;
    const f = decodeFrame(this.keys.down, this.seqDown + 1, data);
    if ('error' in f) {
      this.ws?.terminate();
      return;
    }
    this.seqDown++;
    const m = kernelMessage.parse(JSON.parse(f.json)) as Record<string, unknown>;
    this.received.push(m);
    if (m.k === 'cmd') void this.onCommand(m as { id: string; op: string; args: unknown });
  }

  private async onCommand(c: { id: string; op: string; args: unknown }): Promise<void> {
    this.arrivals.set(c.id, (this.arrivals.get(c.id) ?? 0) + 1);
    if (this.o.holdResults?.()) return;
    await this.answer(c);
  }

  private async answer(c: { id: string; op: string; args: unknown }): Promise<void> {
    let result = this.executed.get(c.id);
    if (!result) {
      const op = this.o.ops?.[c.op];
      if (!op)
        result = {
          k: 'result',
          id: c.id,
          ok: false,
          error: { code: 'OMEGA_ERR_NOT_FOUND', message: `no op ${c.op}` },
        };
      else {
        try {
          result = { k: 'result', id: c.id, ok: true, data: await op(c.args) };
        } catch (err) {
          result = {
            k: 'result',
            id: c.id,
            ok: false,
            error: { code: 'OMEGA_ERR_INTERNAL', message: String(err) },
          };
        }
      }
      this.executed.set(c.id, result);
    }
    if (this.ws?.readyState === WebSocket.OPEN) this.send(result);
  }

  /** Answers again every command that arrived while results were held back. */
  async release(): Promise<void> {
    for (const m of this.received)
      if (m.k === 'cmd' && !this.executed.has(String(m.id)))
        await this.answer(m as { id: string; op: string; args: unknown });
  }

  /** Sends one MAC'd message (`seq` overrides the sequence: a replay or a skip). */
  send(message: Record<string, unknown>, seq?: number): void {
    if (!this.keys || !this.ws) throw new Error('not open');
    this.ws.send(encodeFrame(this.keys.up, seq ?? ++this.seqUp, JSON.stringify(message)));
  }

  /** The bytes of the next frame, sent now (kept to replay later). */
  sendKept(message: Record<string, unknown>): Buffer {
    if (!this.keys || !this.ws) throw new Error('not open');
    const f = encodeFrame(this.keys.up, ++this.seqUp, JSON.stringify(message));
    this.ws.send(f);
    return f;
  }

  /** One heartbeat (the agent's own clock in `t`: the kernel must not use it). */
  heartbeat(load: Record<string, unknown> = {}, t = Date.now()): number {
    this.n++;
    this.send({ k: 'hb', n: this.n, t, load });
    return this.n;
  }

  /** Heartbeats every `ms` until stopped or closed. */
  startHeartbeats(ms: number, load: () => Record<string, unknown> = () => ({})): void {
    this.stopHeartbeats();
    this.timer = setInterval(() => {
      if (this.ws?.readyState === WebSocket.OPEN) this.heartbeat(load());
    }, ms);
  }

  stopHeartbeats(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A graceful leave (what SIGTERM does): `leave`, then the kernel closes 1000. */
  leave(reason = 'SIGTERM'): void {
    this.stopHeartbeats();
    this.send({ k: 'leave', reason });
  }

  /** The socket dies without a close handshake, as when the process is killed. */
  kill(): void {
    this.stopHeartbeats();
    this.ws?.terminate();
  }

  /** The agent hangs: it stops reading and heartbeating (its machine still acknowledges TCP). */
  hang(): void {
    this.stopHeartbeats();
    (this.ws as unknown as { _socket?: { pause(): void } })?._socket?.pause();
  }

  /** Waits until a kernel message matches. */
  async waitFor(
    match: (m: Record<string, unknown>) => boolean,
    ms = 10_000,
  ): Promise<Record<string, unknown>> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.received.find(match);
      if (hit) return hit;
      if (Date.now() > end) throw new Error('timed out waiting for a kernel message');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the socket to close. */
  async waitClosed(ms = 10_000): Promise<{ code: number; reason: string }> {
    const end = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > end) throw new Error('socket did not close');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closed;
  }

  close(): void {
    this.stopHeartbeats();
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000, 'test done');
  }
}
