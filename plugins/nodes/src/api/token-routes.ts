import { actorOf, httpError, type PluginRequest, type PluginResponse, type SchemaRequest } from '@omega/sdk';
import { labelProblems } from '../registry/labels.js';
import type { NodesRuntime } from '../runtime.js';
import { bodyObject, check, ok, parseDuration } from './http.js';
import type { routeSchemas } from './route-schemas.js';
import { tokenView } from './token-view.js';

type RouteSchemas = typeof routeSchemas;

/** Join token lifetimes allowed: a minute to 30 days (default 1 h). */
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 30 * 86_400_000;
const DEFAULT_TTL_MS = 3_600_000;
const MAX_USES = 10_000;

/** Join tokens: mint (shown once), list, show, revoke. */
export function tokenRoutes(rt: () => NodesRuntime) {
  return {
    /** POST /tokens {ttl?, uses?, labels?, description?} → 201 with the token (shown once). */
    async createToken(req: PluginRequest): Promise<PluginResponse> {
      const s = rt();
      const body = bodyObject(req, false);
      const errors = [];
      for (const k of Object.keys(body))
        if (!['ttl', 'uses', 'labels', 'description'].includes(k))
          errors.push({ field: k, message: 'is not a token field (ttl, uses, labels, description)' });
      const ttlMs = body.ttl === undefined ? DEFAULT_TTL_MS : parseDuration(body.ttl);
      if (ttlMs === undefined || ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS)
        errors.push({
          field: 'ttl',
          message: 'must be a duration from 1m to 30d (e.g. 1h, 90m, 2d, or seconds)',
        });
      const uses = body.uses ?? 1;
      if (typeof uses !== 'number' || !Number.isInteger(uses) || uses < 1 || uses > MAX_USES)
        errors.push({ field: 'uses', message: `must be an integer from 1 to ${MAX_USES}` });
      const labels = body.labels ?? {};
      errors.push(...labelProblems(labels, 'labels'));
      const description = body.description ?? '';
      if (typeof description !== 'string' || description.length > 256)
        errors.push({ field: 'description', message: 'must be text of at most 256 characters' });
      check(errors);
      const actor = actorOf(req);
      const info = await s.ctx.agents.info().catch(() => undefined);
      const { record, token } = await s.tokens.mint({
        kind: 'operator',
        ttlMs: ttlMs as number,
        uses: uses as number,
        labels: labels as Record<string, string>,
        description: description as string,
        createdBy: actor.name,
        ...(info?.certSha256 ? { certSha256: info.certSha256 } : {}),
      });
      s.events.audit({
        actor: actor.id,
        action: 'token.create',
        outcome: 'success',
        target: `token ${record.id}`,
        ...(actor.source ? { source: actor.source } : {}),
        details: { uses: record.uses, expiresAt: record.expiresAt, labels: record.labels },
      });
      return ok(
        {
          token,
          ...(info ? { server: info.url } : {}),
          note: 'The token is shown only now; store it safely. Start an agent with: omega agent --server URL --join-token TOKEN',
          ...tokenView(record, Date.now()),
        },
        201,
      );
    },

    /** GET /tokens ?state= — every token, newest first (never a secret). */
    async listTokens(req: SchemaRequest<RouteSchemas['listTokens']>): Promise<PluginResponse> {
      const s = rt();
      const now = Date.now();
      const state = req.query.state;
      const items = s.tokens
        .list()
        .map((t) => tokenView(t, now))
        .filter((t) => state === undefined || t.status.state === state);
      return ok({ items });
    },

    /** GET /tokens/:token — one token. */
    async getToken(req: SchemaRequest<RouteSchemas['getToken']>): Promise<PluginResponse> {
      const s = rt();
      const t = s.tokens.get(req.params.token ?? '');
      if (!t)
        throw httpError(
          404,
          'OMEGA_ERR_NOT_FOUND',
          `No join token ${JSON.stringify((req.params.token ?? '').slice(0, 40))}.`,
        );
      return ok(tokenView(t, Date.now()));
    },

    /** DELETE /tokens/:token — revokes it (kept, so a join with it is told it was revoked). */
    async revokeToken(req: SchemaRequest<RouteSchemas['revokeToken']>): Promise<PluginResponse> {
      const s = rt();
      const id = req.params.token ?? '';
      const t = s.tokens.get(id);
      if (!t)
        throw httpError(404, 'OMEGA_ERR_NOT_FOUND', `No join token ${JSON.stringify(id.slice(0, 40))}.`);
      const actor = actorOf(req);
      if (!(await s.tokens.revoke(id, actor.name)))
        throw httpError(409, 'OMEGA_ERR_CONFLICT', `Join token ${id} was already revoked at ${t.revokedAt}.`);
      s.events.audit({
        actor: actor.id,
        action: 'token.revoke',
        outcome: 'success',
        target: `token ${id}`,
        ...(actor.source ? { source: actor.source } : {}),
      });
      return ok(tokenView(t, Date.now()));
    },
  };
}
