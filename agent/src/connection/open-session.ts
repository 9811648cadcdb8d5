import {
  AGENT_SUBPROTOCOL,
  challengeMessage,
  challengeTranscript,
  deriveSessionKeys,
  ephemeralKey,
  helloTranscript,
  type KernelMessage,
  kernelMessage,
  refusedMessage,
  verifyEd25519,
  type WelcomeMessage,
  welcomeMessage,
} from '@omega/protocol/agent-wire';
import WebSocket from 'ws';
import { type AgentError, agentError, hasAgentErrorCode } from '../errors/index.js';
import type { AgentIdentity } from '../identity/agent-identity.js';
import type { AgentSpecs } from '../specs/agent-specs.js';
import type { AgentFrame } from '../wire/agent-messages.js';
import { createFrameChannel, MAX_DOWN_FRAME_BYTES } from '../wire/frame-channel.js';
import { connectErrorText } from './connect-error-text.js';
import { connectUrl } from './connect-url.js';
import { connectPinnedTls } from './pinned-tls-socket.js';

/** What the agent says in `hello`. */
export interface HelloParams {
  mode: 'join' | 'resume';
  node?: string;
  token?: string;
  name: string;
  specs: AgentSpecs;
  agentVersion: string;
}

/** Options of {@link openSession}. */
export interface OpenSessionOptions {
  /** The kernel URL (http(s) or ws(s)). */
  server: string;
  /** SHA-256 (hex) of the kernel's certificate: any other is refused (wss only). */
  certSha256?: string;
  identity: AgentIdentity;
  hello: HelloParams;
  /** The kernel signing keys pinned at join: a challenge none of them signed is refused. */
  pinnedKernelKeys?: string[];
  /** Handshake deadline (connect, challenge, welcome); default 15 s. */
  timeoutMs?: number;
}

/** How a session ended. */
export interface SessionEnd {
  code: number;
  reason: string;
  /** Why the agent itself ended it (a refused frame, silence, stop). */
  error?: AgentError;
}

/** An authenticated session with the kernel (after `welcome`). */
export interface AgentSession {
  readonly welcome: WelcomeMessage;
  /**
   * The kernel keys to pin from now on: those the welcome lists that also signed this
   * session's challenge (a key nobody proved to hold is never pinned).
   */
  readonly kernelKeys: Array<{ kid: string; publicKey: string }>;
  /** Sends one message in a MAC'd frame; false when the socket is no longer open. */
  send(frame: AgentFrame): boolean;
  /** Where kernel frames go; frames that arrived before are delivered at once, in order. */
  onFrame(handler: (frame: KernelMessage) => void): void;
  /** performance.now() of the last thing heard from the kernel (frame, ping or pong). */
  lastHeardAt(): number;
  /** Bytes queued on the socket, not yet written. */
  buffered(): number;
  /** Closes with a close handshake. */
  close(code: number, reason: string): void;
  /** Drops the socket at once (a silent link: no close handshake can complete). */
  terminate(error?: AgentError): void;
  readonly ended: Promise<SessionEnd>;
}

/** Refusal codes that say "try again later", not "never". */
const TRANSIENT = new Set([
  'OMEGA_ERR_UNAVAILABLE',
  'OMEGA_ERR_RATE_LIMITED',
  'OMEGA_ERR_INTERNAL',
  'OMEGA_ERR_PLUGIN_UNAVAILABLE',
  'OMEGA_ERR_PLUGIN_TIMEOUT',
  'OMEGA_ERR_PLUGIN_FAILED',
]);

/** True when a refusal (OMEGA_ERR_AGENT_REFUSED) should be retried rather than end the agent. */
export function isTransientRefusal(err: AgentError): boolean {
  return (
    err.extras.closeCode === 4429 ||
    err.extras.retryAfterSec !== undefined ||
    TRANSIENT.has(String(err.extras.kernelCode))
  );
}

const textOf = (data: WebSocket.RawData): string =>
  Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data as ArrayBuffer).toString('utf8');

/**
 * Connects to the kernel's agent endpoint and runs the handshake of docs/agent-protocol.md:
 * verifies the challenge's signature (and, after a join, that it is the pinned kernel key),
 * answers `hello` signed by the identity key over the transcript, then derives the session keys
 * from `welcome` on. Rejects with a coded AgentError: REFUSED (with the kernel's code, message,
 * close code and retry hint), KERNEL_KEY, CERT_MISMATCH, UNREACHABLE or PROTOCOL.
 */
export async function openSession(o: OpenSessionOptions): Promise<AgentSession> {
  const url = connectUrl(o.server);
  const timeoutMs = o.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  if (o.certSha256 && url.protocol !== 'wss:') {
    throw agentError('OMEGA_ERR_AGENT_CONFIG', `A certificate pin needs an https server, not ${o.server}.`, {
      field: 'certSha256',
    });
  }
  const socket =
    url.protocol === 'wss:' && o.certSha256
      ? await connectPinnedTls(url, o.certSha256, timeoutMs)
      : undefined;
  const ws = new WebSocket(url, AGENT_SUBPROTOCOL, {
    ...(socket ? { createConnection: () => socket } : {}),
    handshakeTimeout: Math.max(1000, deadline - Date.now()),
    perMessageDeflate: false,
    maxPayload: MAX_DOWN_FRAME_BYTES + 64,
    followRedirects: false,
  });
  let heardAt = performance.now();
  let ownError: AgentError | undefined;
  const ended = new Promise<SessionEnd>((resolve) => {
    ws.once('close', (code, reason) =>
      resolve({ code, reason: reason.toString('utf8'), ...(ownError ? { error: ownError } : {}) }),
    );
  });
  ws.on('ping', () => {
    heardAt = performance.now();
  });
  ws.on('pong', () => {
    heardAt = performance.now();
  });

  const fail = (err: AgentError, closeCode = 4400) => {
    ownError ??= err;
    if (ws.readyState === WebSocket.OPEN) ws.close(closeCode, err.message.slice(0, 120));
    else ws.terminate();
  };

  return new Promise<AgentSession>((resolve, reject) => {
    let stage: 'challenge' | 'welcome' | 'open' = 'challenge';
    let settled = false;
    const settle = (err?: AgentError, session?: AgentSession) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(session!);
    };
    const timer = setTimeout(() => {
      const err = agentError(
        'OMEGA_ERR_AGENT_UNREACHABLE',
        `No ${stage === 'challenge' ? 'challenge' : 'welcome'} from ${url.host} within ${timeoutMs} ms.`,
      );
      fail(err);
      settle(err);
    }, timeoutMs);
    ws.on('error', (err) => {
      if (hasAgentErrorCode(err)) return settle(err);
      settle(
        agentError(
          'OMEGA_ERR_AGENT_UNREACHABLE',
          `Cannot reach the kernel at ${url.host}: ${connectErrorText(err, url)}.`,
        ),
      );
    });
    ws.once('close', (code, reason) => {
      if (stage === 'open') return;
      if (ownError?.code === 'OMEGA_ERR_AGENT_REFUSED') ownError.extras.closeCode = code;
      settle(
        ownError ??
          agentError(
            'OMEGA_ERR_AGENT_UNREACHABLE',
            `The kernel closed the connection during the handshake (${code}${reason.length ? ` ${reason.toString('utf8')}` : ''}).`,
            { closeCode: code },
          ),
      );
    });

    let nonce = '';
    let kernelX = '';
    const signers = new Set<string>();
    const eph = ephemeralKey();
    let channel: ReturnType<typeof createFrameChannel> | undefined;
    let handler: ((f: KernelMessage) => void) | undefined;
    const early: KernelMessage[] = [];

    ws.on('message', (data, isBinary) => {
      heardAt = performance.now();
      try {
        if (stage === 'open') {
          if (!isBinary) throw agentError('OMEGA_ERR_AGENT_PROTOCOL', 'A text frame after welcome.');
          const parsed = kernelMessage.safeParse(channel!.open(data as Buffer));
          if (!parsed.success) {
            throw agentError(
              'OMEGA_ERR_AGENT_PROTOCOL',
              `A malformed kernel message: ${parsed.error.issues[0]?.message}.`,
            );
          }
          if (handler) handler(parsed.data);
          else early.push(parsed.data);
          return;
        }
        if (isBinary)
          throw agentError(
            'OMEGA_ERR_AGENT_PROTOCOL',
            `A binary frame before welcome (waiting for ${stage}).`,
          );
        let msg: unknown;
        try {
          msg = JSON.parse(textOf(data));
        } catch {
          throw agentError('OMEGA_ERR_AGENT_PROTOCOL', `The ${stage} is not JSON.`);
        }
        if (stage === 'challenge') {
          const c = challengeMessage.safeParse(msg);
          if (!c.success) {
            throw agentError(
              'OMEGA_ERR_AGENT_PROTOCOL',
              `A malformed challenge: ${c.error.issues[0]?.message}.`,
            );
          }
          const transcript = challengeTranscript(c.data.nonce, c.data.kernel.x25519);
          for (const s of c.data.kernel.sigs) {
            if (!verifyEd25519(s.publicKey, transcript, s.sig)) {
              throw agentError(
                'OMEGA_ERR_AGENT_KERNEL_KEY',
                `The challenge signature of kernel key ${s.kid} does not verify.`,
              );
            }
            signers.add(s.publicKey);
          }
          const pins = o.pinnedKernelKeys;
          if (pins && !pins.some((p) => signers.has(p))) {
            throw agentError(
              'OMEGA_ERR_AGENT_KERNEL_KEY',
              `The kernel at ${url.host} signs with ${c.data.kernel.sigs.map((s) => s.kid).join(', ')}, none of them a key pinned at join.`,
              { got: [...signers], pinned: pins },
            );
          }
          nonce = c.data.nonce;
          kernelX = c.data.kernel.x25519;
          const h = o.hello;
          const sig = o.identity.sign(
            helloTranscript({
              nonce,
              kernelX25519: kernelX,
              agentX25519: eph.publicKey,
              mode: h.mode,
              node: h.node,
              token: h.token,
            }),
          );
          ws.send(
            JSON.stringify({
              t: 'hello',
              v: 1,
              mode: h.mode,
              ...(h.mode === 'resume' ? { node: h.node } : { token: h.token }),
              name: h.name,
              publicKey: o.identity.publicKey,
              x25519: eph.publicKey,
              specs: h.specs,
              agentVersion: h.agentVersion,
              sig,
            }),
          );
          stage = 'welcome';
          return;
        }
        const refused = refusedMessage.safeParse(msg);
        if (refused.success) {
          const r = refused.data;
          const err = agentError(
            'OMEGA_ERR_AGENT_REFUSED',
            `The kernel refused this agent: ${r.message || r.code} [${r.code}].`,
            {
              kernelCode: r.code,
              kernelMessage: r.message,
              ...(r.retryAfterSec !== undefined ? { retryAfterSec: r.retryAfterSec } : {}),
            },
          );
          ownError = err;
          // The kernel closes next (4403, or 4429 to say "later"): the close handler settles
          // with its code; a kernel that does not close is dropped after 2 s.
          setTimeout(() => ws.terminate(), 2000).unref();
          return;
        }
        const w = welcomeMessage.safeParse(msg);
        if (!w.success)
          throw agentError('OMEGA_ERR_AGENT_PROTOCOL', `A malformed welcome: ${w.error.issues[0]?.message}.`);
        const kernelKeys = w.data.kernel.keys.filter((k) => signers.has(k.publicKey));
        if (kernelKeys.length === 0) {
          throw agentError(
            'OMEGA_ERR_AGENT_KERNEL_KEY',
            'The welcome names no key that signed the challenge.',
          );
        }
        if (o.hello.mode === 'resume' && w.data.node !== o.hello.node) {
          throw agentError(
            'OMEGA_ERR_AGENT_PROTOCOL',
            `Resumed as node ${o.hello.node}, welcomed as ${w.data.node}.`,
          );
        }
        let keys: ReturnType<typeof deriveSessionKeys>;
        try {
          keys = deriveSessionKeys(eph.privateKey, kernelX, nonce);
        } catch {
          throw agentError('OMEGA_ERR_AGENT_PROTOCOL', 'The kernel ephemeral key is not a valid X25519 key.');
        }
        channel = createFrameChannel(keys, 'agent');
        stage = 'open';
        const welcome = w.data;
        settle(undefined, {
          welcome,
          kernelKeys,
          send(frame) {
            if (ws.readyState !== WebSocket.OPEN) return false;
            ws.send(channel!.seal(frame));
            return true;
          },
          onFrame(h) {
            handler = h;
            for (const f of early.splice(0)) h(f);
          },
          lastHeardAt: () => heardAt,
          buffered: () => ws.bufferedAmount,
          close(code, reason) {
            if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
              ws.close(code, reason);
          },
          terminate(err) {
            if (err) ownError ??= err;
            ws.terminate();
          },
          ended,
        });
      } catch (err) {
        const e = hasAgentErrorCode(err)
          ? err
          : agentError('OMEGA_ERR_AGENT_PROTOCOL', (err as Error).message);
        fail(e);
        settle(e);
      }
    });
  });
}
