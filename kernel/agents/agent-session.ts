import { randomBytes } from 'node:crypto';
import {
  agentMessage,
  challengeTranscript,
  decodeFrame,
  deriveSessionKeys,
  ed25519PublicKey,
  encodeFrame,
  ephemeralKey,
  type HelloMessage,
  helloMessage,
  helloTranscript,
  type KernelMessage,
  verifyEd25519,
} from '@omega/protocol/agent-wire';
import type { WebSocket } from 'ws';
import type { KernelCrypto } from '../crypto/index.js';
import { hasErrorCode } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { parseUntrustedJson } from '../sandbox/index.js';
import type { AgentEvent } from './agent-event.js';
import type { GatewayDecision, GatewayPlugin } from './gateway-plugin.js';
import type { Endpoint } from './tcp-evidence.js';

/** Close codes of the agent protocol. */
export const CLOSE = {
  normal: 1000,
  going: 1001,
  protocol: 4400,
  refused: 4403,
  replaced: 4409,
  retryLater: 4429,
  silent: 4408,
} as const;

/** Longest a hello may take after the challenge, ms. */
const HANDSHAKE_MS = 10_000;
/** Largest hello (it carries the specs), characters. */
const MAX_HELLO_CHARS = 256 * 1024;
/** Kernel → agent frames queued on a slow socket before `send` answers "not delivered". */
const MAX_BUFFERED = 1024 * 1024;

/** Options of {@link createAgentSession}. */
export interface AgentSessionOptions {
  ws: WebSocket;
  conn: string;
  local: Endpoint;
  remote: Endpoint;
  crypto: KernelCrypto;
  heartbeatMs: number;
  gateway: () => GatewayPlugin | undefined;
  logger: Logger;
  /** The handshake succeeded: the session now speaks for `node`. */
  onOpen(session: AgentSession): void;
  /** Something the gateway plugin must hear (urgent ones skip the batch wait). */
  onEvent(event: AgentEvent, urgent: boolean): void;
  /** The socket is gone (after any `closed` event). */
  onEnd(session: AgentSession): void;
}

/** One agent connection: a handshake, then MAC'd frames both ways. */
export interface AgentSession {
  readonly conn: string;
  readonly remote: Endpoint;
  readonly local: Endpoint;
  /** The node this session speaks for, once open. */
  node(): string | undefined;
  since(): number;
  lastFrameAt(): number;
  /** When the kernel last sent the agent anything (a frame or a ping), epoch ms. */
  lastSentAt(): number;
  /** Sends a kernel → agent message; false when not open or the socket is backed up. */
  send(message: KernelMessage): boolean;
  /** Sends a WebSocket ping (counted as silence until the pong); counts as sent. */
  ping(): void;
  /** Marks the current silence as reported; false when it already was. */
  markSilent(): boolean;
  close(code: number, reason: string): void;
  terminate(): void;
}

const remoteText = (e: Endpoint): string => e.address;

/**
 * Runs one agent connection (docs/agent-protocol.md §1): sends the challenge signed by every
 * kernel key, checks the hello's proof of possession, asks the gateway plugin to admit the
 * node, derives the session keys, then accepts only MAC'd, strictly sequenced binary frames
 * whose JSON matches the protocol. Anything else closes the socket; nothing unchecked reaches
 * the plugin.
 */
export function createAgentSession(o: AgentSessionOptions): AgentSession {
  const { ws, crypto, logger } = o;
  const nonce = randomBytes(32).toString('base64url');
  const eph = ephemeralKey();
  const opened = Date.now();
  let state: 'handshake' | 'deciding' | 'open' | 'closed' = 'handshake';
  let node: string | undefined;
  let keys: { up: Buffer; down: Buffer } | undefined;
  let seqUp = 0;
  let seqDown = 0;
  let since = 0;
  let lastFrame = opened;
  let lastSent = opened;
  let silentReported = false;
  let leave = false;

  const session: AgentSession = {
    conn: o.conn,
    remote: o.remote,
    local: o.local,
    node: () => node,
    since: () => since,
    lastFrameAt: () => lastFrame,
    lastSentAt: () => lastSent,
    send(message) {
      if (state !== 'open' || !keys || ws.readyState !== ws.OPEN) return false;
      if (ws.bufferedAmount > MAX_BUFFERED) return false;
      ws.send(encodeFrame(keys.down, ++seqDown, JSON.stringify(message)));
      lastSent = Date.now();
      return true;
    },
    ping() {
      if (ws.readyState !== ws.OPEN) return;
      ws.ping();
      lastSent = Date.now();
    },
    markSilent() {
      if (silentReported) return false;
      silentReported = true;
      return true;
    },
    close(code, reason) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
    },
    terminate() {
      ws.terminate();
    },
  };

  const event = <T extends AgentEvent['type']>(type: T, fields: object, urgent: boolean): void => {
    if (!node) return;
    o.onEvent(
      { node, conn: o.conn, at: Date.now(), remote: remoteText(o.remote), type, ...fields } as AgentEvent,
      urgent,
    );
  };

  const fail = (code: number, reason: string): void => {
    logger.debug({ conn: o.conn, remote: o.remote.address, reason }, 'agent connection refused');
    session.close(code, reason);
  };

  const refuse = (r: { code: string; message: string; retryAfterSec?: number | undefined }): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'refused', ...r }));
    fail(r.retryAfterSec ? CLOSE.retryLater : CLOSE.refused, r.code);
  };

  const timer = setTimeout(() => {
    if (state === 'handshake' || state === 'deciding') fail(CLOSE.refused, 'handshake timeout');
  }, HANDSHAKE_MS);
  timer.unref();

  const decide = async (hello: HelloMessage): Promise<GatewayDecision> => {
    const gateway = o.gateway();
    if (!gateway)
      return {
        refused: {
          code: 'OMEGA_ERR_UNAVAILABLE',
          message: 'No agent gateway plugin is running.',
          retryAfterSec: 10,
        },
      };
    const common = {
      publicKey: hello.publicKey,
      name: hello.name,
      agentVersion: hello.agentVersion,
      remote: remoteText(o.remote),
    };
    try {
      return hello.mode === 'join'
        ? await gateway.join({ ...common, token: hello.token ?? '', specs: hello.specs ?? {} })
        : await gateway.identify({ ...common, node: hello.node ?? '' });
    } catch (err) {
      logger.warn({ conn: o.conn, code: hasErrorCode(err) ? err.code : undefined }, 'agent gateway failed');
      return {
        refused: {
          code: 'OMEGA_ERR_UNAVAILABLE',
          message: 'The agent gateway failed; retry.',
          retryAfterSec: 5,
        },
      };
    }
  };

  const onHello = async (text: string): Promise<void> => {
    if (text.length > MAX_HELLO_CHARS) return fail(CLOSE.protocol, 'hello too large');
    let parsed: HelloMessage;
    try {
      parsed = helloMessage.parse(parseUntrustedJson(text, 32));
    } catch {
      return fail(CLOSE.protocol, 'malformed hello');
    }
    if (
      (parsed.mode === 'join') !== (parsed.token !== undefined) ||
      (parsed.mode === 'resume') !== (parsed.node !== undefined)
    )
      return fail(CLOSE.protocol, 'join needs a token, resume a node');
    const transcript = helloTranscript({
      nonce,
      kernelX25519: eph.publicKey,
      agentX25519: parsed.x25519,
      mode: parsed.mode,
      node: parsed.node,
      token: parsed.token,
    });
    if (!ed25519PublicKey(parsed.publicKey))
      return refuse({
        code: 'OMEGA_ERR_VALIDATION',
        message:
          'The identity key is not a usable Ed25519 public key (a point of small order admits forged signatures); delete the agent identity and start it again.',
      });
    if (!verifyEd25519(parsed.publicKey, transcript, parsed.sig))
      return refuse({
        code: 'OMEGA_ERR_SIGNATURE_INVALID',
        message: 'The hello is not signed by that identity key.',
      });
    let sessionKeys: { up: Buffer; down: Buffer };
    try {
      sessionKeys = deriveSessionKeys(eph.privateKey, parsed.x25519, nonce);
    } catch {
      return fail(CLOSE.protocol, 'bad x25519 key');
    }
    state = 'deciding';
    const decision = await decide(parsed);
    if (state !== 'deciding') return; // closed meanwhile
    if ('refused' in decision) return refuse(decision.refused);
    clearTimeout(timer);
    keys = sessionKeys;
    node = decision.node.id;
    since = Date.now();
    lastFrame = since;
    lastSent = since;
    state = 'open';
    ws.send(
      JSON.stringify({
        t: 'welcome',
        node: decision.node.id,
        name: decision.node.name,
        heartbeatMs: o.heartbeatMs,
        kernel: {
          keys: crypto.publicJwks().keys.map((k) => ({ kid: String(k.kid), publicKey: String(k.x) })),
        },
        time: since,
      }),
    );
    o.onOpen(session);
    event('connected', { name: decision.node.name, agentVersion: parsed.agentVersion }, true);
  };

  const onFrame = (data: Buffer): void => {
    if (!keys) return;
    const frame = decodeFrame(keys.up, seqUp + 1, data);
    if ('error' in frame) {
      fail(CLOSE.protocol, `frame ${frame.error}`);
      return;
    }
    seqUp++;
    let message: ReturnType<typeof agentMessage.parse>;
    try {
      message = agentMessage.parse(parseUntrustedJson(frame.json, 32));
    } catch {
      fail(CLOSE.protocol, 'malformed message');
      return;
    }
    lastFrame = Date.now();
    silentReported = false;
    if (message.k === 'leave') leave = true;
    event('message', { m: message }, message.k !== 'hb');
    if (leave) session.close(CLOSE.normal, 'leave');
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (state === 'handshake') {
      if (isBinary) return fail(CLOSE.protocol, 'expected hello');
      state = 'deciding';
      void onHello(data.toString('utf8'));
      return;
    }
    if (state !== 'open') return fail(CLOSE.protocol, 'unexpected frame during handshake');
    if (!isBinary) return fail(CLOSE.protocol, 'text frame after welcome');
    onFrame(data);
  });
  ws.on('pong', () => {
    if (state !== 'open') return;
    lastFrame = Date.now();
    silentReported = false;
  });
  ws.on('error', () => {});
  ws.on('close', (code: number, reason: Buffer) => {
    clearTimeout(timer);
    const wasOpen = state === 'open';
    state = 'closed';
    if (wasOpen)
      event(
        'closed',
        {
          code,
          reason: reason.toString('utf8').slice(0, 120),
          clean: code !== 1006,
          leave,
          lastFrameAt: lastFrame,
        },
        true,
      );
    o.onEnd(session);
  });

  const sigs = crypto.signEach(challengeTranscript(nonce, eph.publicKey));
  ws.send(
    JSON.stringify({ t: 'challenge', v: 1, nonce, kernel: { x25519: eph.publicKey, sigs }, time: opened }),
  );
  return session;
}
