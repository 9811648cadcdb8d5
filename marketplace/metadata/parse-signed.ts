import { fieldErrors } from '@omega/protocol';
import type { z } from 'zod';
import type { SignedDocument } from './signed-document.js';
import { type TrustContext, untrusted } from './untrusted.js';

/** Parses the bytes of a signed document (JWS General JSON); anything else is `malformed`. */
export function parseSignedDocument(bytes: Uint8Array | string, ctx: TrustContext): SignedDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch {
    throw untrusted(ctx, 'malformed', 'not JSON', 'a JWS General JSON document', 'unparseable bytes');
  }
  const d = doc as Partial<SignedDocument> | null;
  if (!d || typeof d.payload !== 'string' || !Array.isArray(d.signatures)) {
    throw untrusted(ctx, 'malformed', 'not a signed document', '{ payload, signatures[] }', typeof doc);
  }
  return { payload: d.payload, signatures: d.signatures };
}

/** Parses verified payload bytes with a role's schema; a mismatch is `malformed` naming the field. */
export function parsePayload<S extends z.ZodType>(
  payload: Uint8Array,
  schema: S,
  ctx: TrustContext,
): z.output<S> {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw untrusted(ctx, 'malformed', 'payload is not JSON', 'JSON', 'unparseable payload');
  }
  const type = (body as { type?: unknown } | null)?.type;
  if (type !== ctx.role) throw untrusted(ctx, 'wrong-type', 'document of another type', ctx.role, type);
  const r = schema.safeParse(body);
  if (!r.success) {
    const first = fieldErrors(r.error)[0] ?? { field: '(root)', message: 'invalid' };
    throw untrusted(ctx, 'malformed', `field ${first.field} ${first.message}`, 'a valid document', 'invalid');
  }
  return r.data;
}

/** Refuses a document whose `expires` is not after `now` (freeze attack). */
export function checkExpiry(expires: string, now: Date, ctx: TrustContext): void {
  if (Date.parse(expires) <= now.getTime()) {
    throw untrusted(ctx, 'expired', 'the document has expired', `expiry after ${now.toISOString()}`, expires);
  }
}
