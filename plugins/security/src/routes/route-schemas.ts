import { defineRouteSchemas, ISO_TIME_PATTERN } from '@omega/sdk';
import { jsonSchemaField, optionalBody } from '@omega/sdk/route-schemas';
import { z } from 'zod';
import { API_TOKEN_MAX_DAYS } from '../api-tokens.js';
import {
  agentKeyView,
  apiTokenView,
  auditPage,
  newApiToken,
  roleView,
  signedIn,
  tokenPair,
  userView,
  verifyReport,
  whoAmIView,
} from '../schemas/security-views.js';
import { PERMISSION_RE, ROLE_RE, USERNAME_RE } from '../validate.js';

/*
 * The security API's request and response schemas, by handler. `omega-plugin build` writes them as
 * JSON Schema into dist/plugin.json; the kernel refuses a request that fails them (400 naming each
 * field) before it reaches the plugin, and serves them in the OpenAPI document. The handlers import
 * this file only as a type (zod stays out of the bundle) and keep their own checks: the auth
 * provider does not rely on one layer alone. A wrong credential is not a schema error: any text as a
 * username, password (within their lengths) or refresh token reaches the handler, which answers it
 * exactly as before (the same 401, the same scrypt work); only a malformed request is the kernel's 400.
 */

const text = (max: number, description?: string) => {
  const s = z.string().min(1).max(max);
  return description ? s.describe(description) : s;
};
const permissions = (max: number, description: string) =>
  z.array(z.string().regex(PERMISSION_RE)).max(max).describe(description);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f]*$/;
/** A stored record's id or name in the path: 1–128 characters, no control characters (keyParam). */
const key = (description: string) => z.string().min(1).max(128).regex(NO_CONTROL).describe(description);
const idParams = z.object({ id: key('The id') });
const roleParams = z.object({ name: key('The role name') });
const removed = (what: string) => ({ 204: z.null().describe(what) });
const password = text(1024, 'At least 12 characters, not common, not containing the username');
/** The refresh token of a sign-in session, from the body or (browsers) the kernel's HttpOnly cookie. */
const refreshBody = (what: string) =>
  optionalBody(
    z.object({
      refreshToken: z
        .string()
        .describe(
          'The refresh token (ort.…); absent with X-Omega-Refresh-Cookie: 1, when the kernel takes it from the cookie',
        )
        .optional(),
    }),
    what,
  );
const roleFields = {
  description: text(200, 'What the role is for').optional(),
  permissions: permissions(256, 'Permission patterns granted (resource:action, * wildcards)').optional(),
  denied: permissions(256, 'Permission patterns denied (deny beats allow)').optional(),
};

/** The schemas of every route of plugin.json, by handler. */
export const routeSchemas = defineRouteSchemas({
  login: {
    body: z.object({ username: text(128), password: text(1024) }),
    responses: { 200: signedIn },
  },
  refresh: {
    body: refreshBody('The refresh token to rotate.'),
    responses: { 200: tokenPair },
  },
  logout: { body: refreshBody('The refresh token of the session to end.'), responses: removed('Signed out') },
  bootstrap: {
    body: z.strictObject({
      secret: text(256, 'The one-time bootstrap secret the kernel printed'),
      username: z.string().regex(USERNAME_RE).describe('1–64 of letters, digits, . _ - @'),
      password,
    }),
    responses: { 201: userView.describe('The first admin') },
  },
  whoAmI: { responses: { 200: whoAmIView } },
  changePassword: {
    body: z.strictObject({ currentPassword: text(1024), newPassword: password }),
    responses: removed('Changed; every session of yours is revoked'),
  },
  logoutAll: {
    body: optionalBody(z.strictObject({}), 'Nothing: it takes no options.'),
    responses: removed('Every session of yours is revoked'),
  },
  myTokens: { responses: { 200: z.object({ items: z.array(apiTokenView) }) } },
  createMyToken: {
    body: z.strictObject({
      name: text(100, 'What the token is for'),
      scopes: permissions(128, 'What it may do: at least one permission, each within your own').min(1),
      expiresInDays: z
        .number()
        .int()
        .min(1)
        .max(API_TOKEN_MAX_DAYS)
        .describe('Days it lives (default 30)')
        .optional(),
    }),
    responses: { 201: newApiToken },
  },
  revokeMyToken: { params: idParams, responses: removed('Revoked') },
  listUsersRoute: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).describe('Users per page (default 100)').optional(),
      cursor: z.string().describe('The nextCursor of the previous page').optional(),
      username: z
        .string()
        .min(1)
        .max(256)
        .describe('Only the user with this username (case-insensitive): one item, or none')
        .optional(),
    }),
    responses: { 200: z.object({ items: z.array(userView), nextCursor: z.string().optional() }) },
  },
  createUserRoute: {
    body: z.strictObject({
      username: z.string().regex(USERNAME_RE).describe('1–64 of letters, digits, . _ - @'),
      password,
      roles: z.array(z.string().regex(ROLE_RE)).max(32).describe('Role names (default viewer)').optional(),
    }),
    responses: { 201: userView },
  },
  getUserRoute: { params: idParams, responses: { 200: userView } },
  updateUserRoute: {
    params: idParams,
    body: z.strictObject({
      roles: z.array(z.string().regex(ROLE_RE)).max(32).describe('Replaces the roles').optional(),
      disabled: z.boolean().optional(),
      password: password.optional(),
    }),
    responses: { 200: userView },
  },
  deleteUserRoute: { params: idParams, responses: removed('Deleted; their sessions are revoked') },
  listRolesRoute: { responses: { 200: z.object({ items: z.array(roleView) }) } },
  createRoleRoute: {
    body: z.strictObject({
      name: z.string().regex(ROLE_RE).describe('2–40 of a-z, 0-9, - (starting with a letter)'),
      ...roleFields,
    }),
    responses: { 201: roleView },
  },
  updateRoleRoute: {
    params: roleParams,
    body: z.strictObject({
      name: jsonSchemaField<unknown>({ description: 'Ignored: the role is the one in the path' }).optional(),
      ...roleFields,
    }),
    responses: { 200: roleView },
  },
  deleteRoleRoute: {
    params: roleParams,
    responses: removed('Deleted; taken off every holder, whose sessions are revoked'),
  },
  listTokensRoute: { responses: { 200: z.object({ items: z.array(apiTokenView) }) } },
  revokeTokenRoute: { params: idParams, responses: removed('Revoked') },
  listAgentsRoute: { responses: { 200: z.object({ items: z.array(agentKeyView) }) } },
  createAgentRoute: {
    body: z.strictObject({
      name: text(100, 'The node'),
      publicKey: z
        .string()
        .regex(/^[A-Za-z0-9_-]{43}$/)
        .describe('Raw Ed25519 public key, base64url (43 characters)'),
      permissions: permissions(64, 'What requests signed with it may do').optional(),
    }),
    responses: { 201: agentKeyView },
  },
  revokeAgentRoute: { params: idParams, responses: removed('Revoked') },
  queryAuditRoute: {
    query: z.object({
      actor: z
        .string()
        .describe(
          'Who acted, as recorded (a user id, kernel, a plugin, anonymous), or a username (case-insensitive): that user’s entries',
        )
        .optional(),
      action: z.string().describe('An action, or a prefix ending in "." (auth.)').optional(),
      outcome: z.enum(['success', 'failure', 'denied']).optional(),
      since: z
        .string()
        .regex(ISO_TIME_PATTERN)
        .describe('An RFC 3339 time with its zone (…Z or …+01:00), or a date (UTC), inclusive')
        .optional(),
      until: z
        .string()
        .regex(ISO_TIME_PATTERN)
        .describe('An RFC 3339 time with its zone (…Z or …+01:00), or a date (UTC), inclusive')
        .optional(),
      limit: z.coerce.number().int().min(1).max(1000).describe('Entries per page (default 100)').optional(),
      order: z.enum(['asc', 'desc']).describe('asc: oldest first (default); desc: newest first').optional(),
      cursor: z
        .string()
        .regex(/^b?\d{1,12}$/)
        .describe('The nextCursor or prevCursor of a page (with the same order)')
        .optional(),
    }),
    responses: { 200: auditPage },
  },
  verifyAuditRoute: {
    query: z.object({
      checkpoint: z
        .string()
        .describe('A checkpoint JWS kept outside this machine (security.audit.checkpoint event)')
        .optional(),
    }),
    responses: { 200: verifyReport },
  },
});
