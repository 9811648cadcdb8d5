import { createAgent, getAgent, listAgents, revokeAgent } from '../agents.js';
import { getApiToken, listApiTokens, revokeApiToken } from '../api-tokens.js';
import { parseAuditQuery, queryAudit } from '../audit-query.js';
import { verifyAudit } from '../audit-verify.js';
import { type Ctx, callerOf, type RouteReq } from '../context.js';
import { noContent, ok, refuse } from '../http.js';
import type { State } from '../state.js';
import { findUserByName } from '../users.js';
import {
  keyParam,
  objectBody,
  onlyFields,
  optStrings,
  PERMISSION_RE,
  str,
  USER_ID_SHAPE,
} from '../validate.js';
import { auditSuccess } from './audit-success.js';

const audit = auditSuccess;

/** `GET /tokens`: every API token (no secrets, no hashes). */
export async function listTokensRoute(_req: RouteReq<'listTokensRoute'>, ctx: Ctx) {
  return ok({ items: await listApiTokens(ctx) });
}

/** `DELETE /tokens/:id`: revokes any API token. */
export async function revokeTokenRoute(req: RouteReq<'revokeTokenRoute'>, ctx: Ctx, s: State) {
  const t = await getApiToken(ctx, keyParam(req.params, 'id'));
  if (!t) refuse(404, 'OMEGA_ERR_NOT_FOUND', 'No such token.');
  if (await revokeApiToken(ctx, t)) await audit(s, req, 'token.revoke', t.id, { owner: t.userId });
  return noContent();
}

/** `GET /agents`: registered node-agent signing keys. */
export async function listAgentsRoute(_req: RouteReq<'listAgentsRoute'>, ctx: Ctx) {
  return ok({ items: await listAgents(ctx) });
}

/** `POST /agents` {name, publicKey, permissions}: registers a node agent's Ed25519 key. */
export async function createAgentRoute(req: RouteReq<'createAgentRoute'>, ctx: Ctx, s: State) {
  const b = objectBody(req.body);
  onlyFields(b, ['name', 'publicKey', 'permissions']);
  const agent = await createAgent(ctx, {
    name: str(b, 'name', 100),
    publicKey: str(b, 'publicKey', 64),
    permissions: optStrings(b, 'permissions', PERMISSION_RE, 64) ?? [],
    createdBy: callerOf(req).id,
  });
  await audit(s, req, 'agent.create', agent.id, { name: agent.name, permissions: agent.permissions });
  return ok(agent, 201);
}

/** `DELETE /agents/:id`: revokes an agent key. */
export async function revokeAgentRoute(req: RouteReq<'revokeAgentRoute'>, ctx: Ctx, s: State) {
  const a = await getAgent(ctx, keyParam(req.params, 'id'));
  if (!a) refuse(404, 'OMEGA_ERR_NOT_FOUND', 'No such agent key.');
  await revokeAgent(ctx, a);
  await audit(s, req, 'agent.revoke', a.id);
  return noContent();
}

/**
 * `GET /audit?actor&action&outcome&since&until&limit&order&cursor`: oldest (or newest) first,
 * cursor-paged both ways. `actor` is matched as recorded and, when a user has it as username,
 * as that user's id (entries record user ids; an operator knows names); a text shaped like a
 * user id is only an id.
 */
export async function queryAuditRoute(req: RouteReq<'queryAuditRoute'>, ctx: Ctx, s: State) {
  const q = parseAuditQuery(req.query);
  // An id-shaped text is an id: a username of that shape (made before they were refused) would
  // merge another user's entries into the answer.
  if (q.actor !== undefined && !USER_ID_SHAPE.test(q.actor)) {
    const user = await findUserByName(ctx, q.actor);
    if (user) q.actorUserId = user.id;
  }
  return ok(await queryAudit(s.audit, q));
}

/**
 * `GET /audit/verify[?checkpoint=<jws>]`: recomputes the whole hash chain, checks every MAC, the
 * head and the latest stored checkpoint, and the caller's own checkpoint when given (one kept
 * outside this machine, e.g. from the `security.audit.checkpoint` event or the sink).
 */
export async function verifyAuditRoute(req: RouteReq<'verifyAuditRoute'>, ctx: Ctx, s: State) {
  const given = req.query.checkpoint;
  const checkpoint = typeof given === 'string' && given !== '' ? given.slice(0, 8192) : undefined;
  return ok(await s.audit.exclusive(() => verifyAudit(ctx, s.audit, checkpoint)));
}
