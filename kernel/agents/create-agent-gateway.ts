import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { AGENT_SUBPROTOCOL, kernelMessage } from '@omega/protocol/agent-wire';
import { WebSocketServer } from 'ws';
import type { KernelCrypto } from '../crypto/index.js';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { SandboxAgents } from '../sandbox/index.js';
import { claimUpgrade, refuseUnclaimed, writeUpgradeProblem } from '../ws/index.js';
import { type AgentSession, CLOSE, createAgentSession } from './agent-session.js';
import { createEventBatcher } from './create-event-batcher.js';
import type { GatewayPlugin } from './gateway-plugin.js';
import { tcpEvidenceMany } from './tcp-evidence.js';

/** Options of {@link createAgentGateway}. */
export interface AgentGatewayOptions {
  server: HttpServer | HttpsServer;
  crypto: KernelCrypto;
  gateway: () => GatewayPlugin | undefined;
  logger: Logger;
  heartbeatMs: number;
  maxPendingHandshakes: number;
  /** What join tokens carry: the URL agents reach the kernel at, and its certificate hash under TLS. */
  info: { url: string; tls: boolean; certSha256?: string };
  /** LAN discovery and invitations (docs/agent-protocol.md §2), when enabled. */
  discovery?: Pick<SandboxAgents, 'discovered' | 'invite'>;
  /** Default `/api/v1/agents/connect`. */
  path?: string;
}

/** The kernel's agent gateway: the WebSocket endpoint, and the host calls of `agents:gateway`. */
export interface AgentGateway {
  /** What the gateway plugin's `ctx.agents` reaches. */
  readonly host: SandboxAgents;
  /** Open sessions. */
  sessionCount(): number;
  /** Closes every session (1001), flushes pending events to the plugin, stops the timers. */
  close(): Promise<void>;
}

/** The largest agent → kernel frame. */
const MAX_FRAME = 1024 * 1024;

/**
 * Serves `GET /api/v1/agents/connect` (subprotocol omega-agent.v1) for node agents: one
 * session per connection (agent-session.ts), one open session per node (a newer one replaces
 * the older), events batched into the gateway plugin's `agent-gateway` service in order, a
 * ping only to a session that has gone quiet either way, and silence reported once per silence with what TCP says (a hung agent
 * whose machine still acknowledges vs a link that does not). Never decides that a node is down.
 */
export function createAgentGateway(o: AgentGatewayOptions): AgentGateway {
  const path = o.path ?? '/api/v1/agents/connect';
  const { logger } = o;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_FRAME,
    handleProtocols: (protocols) => (protocols.has(AGENT_SUBPROTOCOL) ? AGENT_SUBPROTOCOL : false),
  });
  const sessions = new Set<AgentSession>();
  const byNode = new Map<string, AgentSession>();
  let pending = 0;
  let nextConn = 0;
  let closing = false;

  const batcher = createEventBatcher({
    logger,
    deliver: async (events, gap) => {
      const g = o.gateway();
      if (!g) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'No agent gateway plugin is running.');
      await g.deliver(events, gap);
    },
    onDelivered: (events) => {
      for (const e of events) {
        if (e.type !== 'message' || e.m.k !== 'hb') continue;
        const s = byNode.get(e.node);
        if (s && s.conn === e.conn) s.send({ k: 'hback', n: e.m.n as number });
      }
    },
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '';
    if (url !== path && !url.startsWith(`${path}?`)) {
      refuseUnclaimed(o.server, onUpgrade, req, socket);
      return;
    }
    claimUpgrade(req);
    socket.on('error', () => {});
    const refuse = (err: unknown): void => {
      writeUpgradeProblem(socket, err, path);
    };
    if (closing) {
      refuse(omegaError('OMEGA_ERR_UNAVAILABLE', 'The kernel is stopping.'));
      return;
    }
    // An agent sends none (connect-url.ts drops one from --server): a name here is not read, so refused as on every API route.
    const name =
      url.length > path.length + 1
        ? new URLSearchParams(url.slice(path.length + 1)).keys().next().value
        : undefined;
    if (name !== undefined) {
      refuse(
        omegaError('OMEGA_ERR_VALIDATION', `${path} takes no query parameters.`, {
          errors: [{ field: name.slice(0, 64), message: 'is not a parameter of this route (it takes none)' }],
        }),
      );
      return;
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!offered.includes(AGENT_SUBPROTOCOL)) {
      refuse(
        omegaError(
          'OMEGA_ERR_VALIDATION',
          `Agents connect with the WebSocket subprotocol ${AGENT_SUBPROTOCOL}.`,
        ),
      );
      return;
    }
    if (pending >= o.maxPendingHandshakes) {
      refuse(
        omegaError('OMEGA_ERR_RATE_LIMITED', 'Too many agent handshakes in progress; retry.', {
          retryAfterSec: 1,
        }),
      );
      return;
    }
    const s = req.socket;
    const local = { address: s.localAddress ?? '', port: s.localPort ?? 0 };
    const remote = { address: s.remoteAddress ?? '', port: s.remotePort ?? 0 };
    pending++;
    let counted = true;
    const done = () => {
      if (counted) pending--;
      counted = false;
    };
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = createAgentSession({
        ws,
        conn: `c${++nextConn}`,
        local,
        remote,
        crypto: o.crypto,
        heartbeatMs: o.heartbeatMs,
        gateway: o.gateway,
        logger,
        onOpen(opened) {
          done();
          const node = opened.node()!;
          const older = byNode.get(node);
          byNode.set(node, opened);
          older?.close(CLOSE.replaced, 'replaced by a newer session');
        },
        onEvent: (e, urgent) => {
          // Stopping, the kernel closes every session itself: those closes are no agent's
          // doing, and the plugin must not judge them (a leave it still hears).
          if (closing && e.type === 'closed' && !e.leave) return;
          batcher.push(e, urgent);
        },
        onEnd(ended) {
          done();
          sessions.delete(ended);
          const node = ended.node();
          if (node && byNode.get(node) === ended) byNode.delete(node);
        },
      });
      sessions.add(session);
    });
  };
  o.server.on('upgrade', onUpgrade);

  // Sessions that fell silent, reported with TCP's evidence: one /proc/net/tcp read for all of
  // them, one read at a time (a stalled kernel sees many fall silent at once).
  const silent: Array<{ s: AgentSession; node: string; quiet: number }> = [];
  let reporting = false;
  const reportSilent = async (): Promise<void> => {
    if (reporting) return;
    reporting = true;
    try {
      while (silent.length > 0) {
        const batch = silent.splice(0);
        const evidence = await tcpEvidenceMany(batch.map(({ s }) => ({ local: s.local, remote: s.remote })));
        const at = Date.now();
        for (const [i, { s, node, quiet }] of batch.entries())
          batcher.push(
            {
              node,
              conn: s.conn,
              at,
              remote: s.remote.address,
              type: 'silent',
              ms: quiet,
              transport: evidence[i] ?? 'unknown',
            },
            true,
          );
      }
    } finally {
      reporting = false;
    }
  };

  // Every second: a session gets a ping only when it needs one — its agent has sent nothing for
  // 1.5 heartbeats (the ping makes data outstanding, so TCP can tell a hung agent from a cut
  // link), or the kernel has sent it nothing for 2 (the agent gives up after 3 silent ones: a
  // gateway plugin that is restarting acknowledges no heartbeats). Healthy sessions, acked
  // every heartbeat, are never pinged: no burst of one ping per agent every heartbeat. Silence
  // past 2 heartbeats is reported once with TCP's evidence; past 10 the socket is dropped (TCP
  // alone would take ~15 minutes to give up).
  const evidenceAgeMs = Math.min(500, o.heartbeatMs / 2);
  const probedAt = new WeakMap<AgentSession, number>();
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const s of byNode.values()) {
        const quiet = now - s.lastFrameAt();
        if (quiet > 10 * o.heartbeatMs) {
          s.terminate();
          continue;
        }
        const unsent = now - s.lastSentAt();
        // TCP's evidence needs a probe: a ping sent once the silence showed (not an ack sent
        // before it), and old enough to have been acknowledged — data just sent is outstanding on
        // any link, and read at once it would call a hung agent's machine unreachable.
        const probe = probedAt.get(s) ?? 0;
        const probed = probe > s.lastFrameAt() + o.heartbeatMs;
        if (quiet > 2 * o.heartbeatMs && probed && now - probe >= evidenceAgeMs && s.markSilent()) {
          silent.push({ s, node: s.node()!, quiet });
          continue;
        }
        if (
          (quiet > 1.5 * o.heartbeatMs && (!probed || unsent >= o.heartbeatMs)) ||
          unsent > 2 * o.heartbeatMs
        ) {
          s.ping();
          if (quiet > o.heartbeatMs) probedAt.set(s, now);
        }
      }
      if (silent.length > 0) void reportSilent();
    },
    Math.min(1_000, o.heartbeatMs),
  );
  sweep.unref();

  const host: SandboxAgents = {
    async send(node, message) {
      const parsed = kernelMessage.safeParse(message);
      if (!parsed.success || parsed.data.k === 'hback')
        throw omegaError(
          'OMEGA_ERR_VALIDATION',
          'A message to an agent is a cmd or a close (docs/agent-protocol.md).',
          {
            errors: parsed.success
              ? [{ field: 'message.k', message: 'cmd or close' }]
              : parsed.error.issues.slice(0, 5),
          },
        );
      return { delivered: byNode.get(node)?.send(parsed.data) ?? false };
    },
    async disconnect(node, reason) {
      const s = byNode.get(node);
      if (!s) return false;
      s.send({ k: 'close', code: 'OMEGA_ERR_FORBIDDEN', reason });
      s.close(CLOSE.refused, reason);
      return true;
    },
    async connections() {
      return [...byNode.entries()].map(([node, s]) => ({
        node,
        conn: s.conn,
        remote: s.remote.address,
        since: s.since(),
        lastFrameAt: s.lastFrameAt(),
      }));
    },
    async info() {
      return { ...o.info };
    },
    invite: (address, port, invitation) =>
      o.discovery
        ? o.discovery.invite(address, port, invitation)
        : Promise.reject(
            omegaError('OMEGA_ERR_UNAVAILABLE', 'Agent discovery is off (agents.discovery.enabled).'),
          ),
    discovered: () => (o.discovery ? o.discovery.discovered() : Promise.resolve([])),
  };

  return {
    host,
    sessionCount: () => byNode.size,
    async close() {
      closing = true;
      clearInterval(sweep);
      o.server.off('upgrade', onUpgrade);
      for (const s of sessions) s.close(CLOSE.going, 'kernel stopping');
      const deadline = Date.now() + 1_000;
      while (sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const s of sessions) s.terminate();
      await batcher.close();
      wss.close();
    },
  };
}
