import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { type Invitation, invitationSchema } from './invitation.js';
import { sendProblem } from './problem-json.js';

/** Largest invitation body accepted. */
export const MAX_INVITATION_BYTES = 8 * 1024;

/** The approval listener of a discovered agent. */
export interface ApprovalListener {
  /** The port it listens on (the SRV port advertised). */
  port: number;
  /** The first invitation accepted (with the address it came from). */
  next(): Promise<Invitation & { from: string }>;
  /** Accepts a new invitation again (the last one did not lead to a join). */
  reopen(): void;
  close(): Promise<void>;
}

/** Options of {@link startApprovalListener}. */
export interface ApprovalListenerOptions {
  /** Addresses to listen on; empty = every address. */
  addresses: string[];
  /** 0 picks a free port. */
  port: number;
  /** What the agent answers about itself on acceptance. */
  self: { name: string; fingerprint: string };
  log: Pick<Logger, 'info' | 'warn'>;
}

const plainAddress = (a: string | undefined) => (a ?? '').replace(/^::ffff:/, '');

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_INVITATION_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Serves `POST /omega/invite` `{server, token, certSha256?}` for an agent waiting to be
 * approved. The body is hostile input: size-capped, JSON only, validated field by field, and an
 * invitation naming a kernel by IP address must come from that address (the kernel invites from
 * itself; a neighbour cannot send the agent to another kernel). Single use: once one is accepted
 * the next get 409 until {@link ApprovalListener.reopen}. Answers are problem+json; the token
 * is never logged.
 */
export async function startApprovalListener(o: ApprovalListenerOptions): Promise<ApprovalListener> {
  let accepted = false;
  let waiter: ((inv: Invitation & { from: string }) => void) | undefined;
  let queued: (Invitation & { from: string }) | undefined;

  const handler = async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const from = plainAddress(req.socket.remoteAddress);
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/omega/invite')
      return sendProblem(res, 'OMEGA_ERR_NOT_FOUND', 'Only POST /omega/invite is served here.');
    if (req.method !== 'POST') {
      return sendProblem(res, 'OMEGA_ERR_METHOD_NOT_ALLOWED', 'Use POST.', {}, { allow: 'POST' });
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return sendProblem(res, 'OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE', 'Send the invitation as application/json.');
    }
    const body = await readBody(req).catch(() => 'too-large' as const);
    if (body === 'too-large') {
      return sendProblem(
        res,
        'OMEGA_ERR_PAYLOAD_TOO_LARGE',
        `An invitation is at most ${MAX_INVITATION_BYTES} bytes.`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return sendProblem(res, 'OMEGA_ERR_BAD_JSON', 'The body is not JSON.');
    }
    const parsed = invitationSchema.safeParse(json);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({
        field: i.path.join('.') || '(root)',
        message: i.message,
      }));
      o.log.warn({ from, errors }, 'invitation refused: invalid');
      return sendProblem(
        res,
        'OMEGA_ERR_AGENT_INVITE_INVALID',
        `Invalid invitation: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}.`,
        { errors },
      );
    }
    const inv = parsed.data;
    const host = new URL(inv.server).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && host !== from) {
      o.log.warn({ from, server: inv.server }, 'invitation refused: it names another kernel than its sender');
      return sendProblem(
        res,
        'OMEGA_ERR_AGENT_INVITE_INVALID',
        `An invitation to ${host} must come from ${host}, not ${from}.`,
        { errors: [{ field: 'server', message: 'must be the address the invitation comes from' }] },
      );
    }
    if (accepted) {
      return sendProblem(
        res,
        'OMEGA_ERR_AGENT_INVITE_USED',
        'This agent already accepted an invitation and is joining.',
      );
    }
    accepted = true;
    o.log.info(
      { from, server: inv.server, pinned: inv.certSha256 !== undefined },
      'invitation accepted; joining',
    );
    res.writeHead(202, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ accepted: true, name: o.self.name, fingerprint: o.self.fingerprint }));
    const item = { ...inv, from };
    if (waiter) {
      waiter(item);
      waiter = undefined;
    } else {
      queued = item;
    }
  };

  const servers: Server[] = [];
  const listen = (host: string | undefined, port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, (req, res) => {
        handler(req, res).catch(() => {
          if (!res.headersSent)
            sendProblem(res, 'OMEGA_ERR_AGENT_INVITE_INVALID', 'The invitation could not be read.');
          else res.destroy();
        });
      });
      server.maxHeadersCount = 50;
      server.once('error', reject);
      server.listen({ port, ...(host ? { host } : {}) }, () => {
        servers.push(server);
        resolve((server.address() as { port: number }).port);
      });
    });
  let port = o.port;
  try {
    if (o.addresses.length === 0) port = await listen(undefined, port);
    for (const address of o.addresses) port = await listen(address, port);
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }

  return {
    port,
    next: () =>
      queued
        ? Promise.resolve(queued).finally(() => {
            queued = undefined;
          })
        : new Promise((resolve) => {
            waiter = resolve;
          }),
    reopen() {
      accepted = false;
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise((r) => {
              s.close(r);
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
