import { z } from 'zod';
import { SECURITY_TOPICS } from './event-topics.js';

/*
 * The payload of every topic the security plugin publishes, for docs/events.md (`npm run gen`)
 * and tests/events/event-catalogue.test.ts. Imported by the build-time tools and the tests
 * only: zod stays out of the plugin bundle (the publishers use ./event-topics.ts).
 */

/** One entry (the same shape as the kernel's EventTopicSpec; a plugin does not import the kernel). */
interface EventTopicSpec {
  topic: string;
  variants?: readonly string[];
  description: string;
  schema: z.ZodType;
}

const reason = z.string();

/** The security plugin's topics. */
export const eventSchemas: readonly EventTopicSpec[] = [
  {
    topic: SECURITY_TOPICS.tokenRevoked,
    description:
      'A sign-in session (`family`, `user`), an API token (`tokenId`) or an agent key (`keyId`) was revoked; the kernel drops cached decisions for it at once.',
    schema: z.union([
      z.looseObject({ family: z.string(), user: z.string(), reason }),
      z.looseObject({ tokenId: z.string(), reason }),
      z.looseObject({ keyId: z.string(), reason }),
    ]),
  },
  {
    topic: SECURITY_TOPICS.userChanged,
    description: "A user's password, role or status changed; the user's sessions are revoked.",
    schema: z.looseObject({ id: z.string(), reason }),
  },
  {
    topic: SECURITY_TOPICS.auditAppended,
    description:
      'An audit entry was appended: `prev`/`hash` chain the trail, `mac` authenticates it with a kernel key (docs/security.md).',
    schema: z.looseObject({
      seq: z.number().int(),
      time: z.string().describe('ISO time'),
      actor: z.string().describe('A user id, `kernel`, a plugin name, or `anonymous`'),
      action: z.string().describe('e.g. `auth.login`, `user.create`, `plugin.disable`'),
      outcome: z.enum(['success', 'failure', 'denied']),
      target: z.string().optional(),
      source: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
      prev: z.string(),
      hash: z.string(),
      mac: z.string().optional(),
    }),
  },
  {
    topic: SECURITY_TOPICS.auditCheckpoint,
    description:
      'The kernel-signed statement "the trail had `seq` entries ending in `hash`"; keep it off this machine and pass it to GET /api/v1/security/audit/verify?checkpoint=<jws>.',
    schema: z.looseObject({
      seq: z.number().int(),
      hash: z.string(),
      at: z.string().describe('ISO time'),
      jws: z.string().describe('Compact JWS, verifiable with the kernel JWKS'),
    }),
  },
];
