import { z } from 'zod';

/*
 * What the security API answers, as response schemas (documented in the OpenAPI document, checked
 * against real answers by plugins/security/test/route-schemas.test.ts). Secrets appear only where
 * the API shows them once (a new API token) or hands them over (a token pair).
 */

const iso = z.string().describe('ISO 8601 time');
const strings = z.array(z.string());

/** A user as the API shows it (never the password hash). */
export const userView = z.object({
  id: z.string(),
  username: z.string(),
  roles: strings,
  disabled: z.boolean(),
  createdAt: iso,
  updatedAt: iso,
  passwordChangedAt: iso,
});

/** The caller with their resolved permissions. */
export const whoAmIView = userView.extend({
  permissions: strings.describe('Granted by the roles'),
  denied: strings.describe('Denied by the roles (deny beats allow)'),
});

const tokenPairFields = {
  tokenType: z.literal('Bearer'),
  accessToken: z.string().describe('A short-lived access token (JWT): Authorization: Bearer …'),
  expiresIn: z.number().int().describe('Seconds the access token lives'),
  refreshToken: z
    .string()
    .optional()
    .describe('Rotate it with POST /refresh; absent when a browser opted into the cookie'),
  refreshCookie: z
    .literal(true)
    .optional()
    .describe('With X-Omega-Refresh-Cookie: 1, the refresh token went into an HttpOnly cookie instead'),
  refreshExpiresAt: iso,
};

/** What a refresh answers: a new access token and a rotated refresh token. */
export const tokenPair = z.object(tokenPairFields);
/** What a sign-in answers: the token pair and the user. */
export const signedIn = z.object({ ...tokenPairFields, user: userView });

/** An API token (never its secret or hash). */
export const apiTokenView = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  scopes: strings,
  createdAt: iso,
  expiresAt: iso,
  revoked: z.boolean(),
});

/** A new API token with its secret, shown once. */
export const newApiToken = apiTokenView.extend({
  token: z.string().describe('The secret (omg_…): shown once, only its hash is kept'),
});

/** A role. */
export const roleView = z.object({
  name: z.string(),
  description: z.string(),
  permissions: strings,
  denied: strings,
  builtIn: z.boolean(),
});

/** A node agent's request-signing key (the public half). */
export const agentKeyView = z.object({
  id: z.string(),
  name: z.string(),
  publicKey: z.string().describe('Raw Ed25519 public key, base64url'),
  permissions: strings,
  createdBy: z.string(),
  createdAt: iso,
  revoked: z.boolean(),
});

/** One entry of the audit trail. */
export const auditEntry = z.looseObject({
  seq: z.number().int(),
  time: iso,
  actor: z.string(),
  action: z.string(),
  outcome: z.enum(['success', 'failure', 'denied']),
  target: z.string().optional(),
  source: z.string().optional(),
  details: z.looseObject({}).optional(),
  prev: z.string(),
  hash: z.string(),
  mac: z.string().optional(),
});

/** One page of the audit trail. */
export const auditPage = z.object({
  items: z.array(auditEntry),
  nextCursor: z.string().optional().describe('Goes on in the query’s order'),
  prevCursor: z.string().optional().describe('Goes back to the page before'),
});

/** What a verification of the audit trail found. */
export const verifyReport = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  keyed: z.boolean(),
  keyedFrom: z.number().int(),
  checkpoints: z.array(
    z.object({ seq: z.number().int(), at: z.string(), source: z.enum(['stored', 'given']) }),
  ),
  broken: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
});
