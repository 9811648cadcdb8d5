import {
  actorOf,
  httpError,
  isoTime,
  type PluginRequest,
  type PluginResponse,
  type SchemaRequest,
} from '@omega/sdk';
import { canonicalFingerprint } from '../crypto/key-fingerprint.js';
import type { PendingAgent } from '../discovery/discovery.js';
import { nodeHttpError } from '../errors/node-errors.js';
import { labelProblems } from '../registry/labels.js';
import type { NodesRuntime } from '../runtime.js';
import { bodyObject, check, ok, reasonOf } from './http.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

/** How long an approval's single-use token lives. */
const APPROVAL_TOKEN_TTL_MS = 10 * 60_000;

async function discovered(s: NodesRuntime, all: boolean) {
  try {
    return await s.discovery.list(
      (fp) =>
        s.registry.removed({ fingerprint: fp }) !== undefined || s.registry.byFingerprint(fp) !== undefined,
      all,
    );
  } catch (err) {
    const code = (err as { code?: string })?.code ?? 'unknown';
    throw httpError(
      503,
      'OMEGA_ERR_UNAVAILABLE',
      `The kernel's agent discovery is not available (${code}); enable agents.discovery in the kernel config.`,
    );
  }
}

async function pendingOf(s: NodesRuntime, req: { params: { agent?: string } }): Promise<PendingAgent> {
  const id = canonicalFingerprint(req.params.agent ?? '');
  if (!id)
    throw httpError(
      404,
      'OMEGA_ERR_NOT_FOUND',
      `No discovered agent "${(req.params.agent ?? '').slice(0, 64)}": give an agent id as the pending list shows it (omega nodes pending, or GET /api/v1/nodes/pending).`,
    );
  const found = (await discovered(s, true)).items.find((a) => a.id === id);
  if (!found)
    throw httpError(
      404,
      'OMEGA_ERR_NOT_FOUND',
      `No agent with key fingerprint ${id} is announcing itself now (or it already joined).`,
    );
  return found;
}

/** IPv4 addresses first (the approval listener is usually reached there). */
const order = (addrs: string[]): string[] =>
  [...addrs].sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')));

/** Discovered agents: the pending list, approve (invite with a bound single-use token), reject. */
export function discoveryRoutes(rt: () => NodesRuntime) {
  return {
    /** GET /pending ?all=true (rejected ones too) — agents announcing on the LAN, with their claims. */
    async listPending(req: SchemaRequest<RouteSchemas['listPending']>): Promise<PluginResponse> {
      const s = rt();
      const all = req.query.all === 'true' || req.query.all === '1';
      const { items, ignored } = await discovered(s, all);
      return ok({ items, ignored });
    },

    /** POST /pending/:agent/approve {labels?, description?} — mints a token bound to its key and invites it. */
    async approvePending(req: PluginRequest): Promise<PluginResponse> {
      const s = rt();
      const body = bodyObject(req, false);
      const labels = body.labels ?? {};
      check(labelProblems(labels, 'labels'));
      const a = await pendingOf(s, req);
      const actor = actorOf(req);
      const info = await s.ctx.agents.info();
      const { record, token } = await s.tokens.mint({
        kind: 'approval',
        ttlMs: APPROVAL_TOKEN_TTL_MS,
        uses: 1,
        labels: labels as Record<string, string>,
        description: `approval of discovered agent ${a.name}`,
        createdBy: actor.name,
        boundFingerprint: a.id,
        ...(info.certSha256 ? { certSha256: info.certSha256 } : {}),
      });
      const invitation = {
        server: info.url,
        token,
        ...(info.certSha256 ? { certSha256: info.certSha256 } : {}),
      };
      let invited: string | undefined;
      for (const address of order(a.addresses)) {
        const r = await s.ctx.agents.invite(address, a.port, invitation).catch(() => ({ ok: false }));
        if (r.ok) {
          invited = address;
          break;
        }
      }
      const audit = {
        actor: actor.id,
        action: 'approve',
        target: `agent ${a.id}`,
        ...(actor.source ? { source: actor.source } : {}),
      };
      if (!invited) {
        await s.tokens.revoke(record.id, 'nodes');
        s.events.audit({
          ...audit,
          outcome: 'failure',
          details: { name: a.name, addresses: a.addresses, port: a.port },
        });
        throw nodeHttpError(
          'NODES_ERR_INVITE_FAILED',
          `No address of ${a.name} (${a.addresses.join(', ')}:${a.port}) accepted the invitation; check its agent still runs and is reachable, then approve again.`,
        );
      }
      const decision = { by: actor.name, at: isoTime(Date.now()), token: record.id, name: a.name };
      await s.discovery.approve(a.id, decision);
      s.events.audit({
        ...audit,
        outcome: 'success',
        details: { name: a.name, address: invited, token: record.id },
      });
      return ok({ ...a, status: 'invited', approval: decision, invitedAt: invited }, 202);
    },

    /** POST /pending/:agent/reject {reason} — remembered by its key fingerprint: hidden from the list. */
    async rejectPending(req: SchemaRequest<RouteSchemas['rejectPending']>): Promise<PluginResponse> {
      const s = rt();
      const body = bodyObject(req);
      const reason = reasonOf(body) as string;
      const a = await pendingOf(s, req);
      const actor = actorOf(req);
      const decision = { by: actor.name, at: isoTime(Date.now()), reason, name: a.name };
      await s.discovery.reject(a.id, decision);
      s.events.audit({
        actor: actor.id,
        action: 'reject',
        outcome: 'success',
        target: `agent ${a.id}`,
        ...(actor.source ? { source: actor.source } : {}),
        details: { name: a.name, reason, addresses: a.addresses },
      });
      return ok({ ...a, status: 'rejected', rejection: decision });
    },
  };
}
