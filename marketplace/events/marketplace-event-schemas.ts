import { z } from 'zod';
import { MARKETPLACE_TOPICS } from './marketplace-topics.js';

/** One entry (the kernel's EventTopicSpec shape; the marketplace reaches the kernel only through kernel/index.ts). */
interface EventTopicSpec {
  topic: string;
  variants?: readonly string[];
  description: string;
  schema: z.ZodType;
}

/** The marketplace's topics (published on the kernel's bus by the composition root's marketplace). */
export const MARKETPLACE_EVENT_SCHEMAS: readonly EventTopicSpec[] = [
  {
    topic: MARKETPLACE_TOPICS.downloadProgress,
    description:
      'A marketplace download (metadata or artifact) in progress, at most twice a second per file and at its end (the CLI prints these while it installs).',
    schema: z.looseObject({
      source: z.string(),
      path: z.string(),
      received: z.number().int().describe('Bytes so far'),
      total: z.number().int().optional().describe('Bytes in all, when the source said'),
    }),
  },
  {
    topic: MARKETPLACE_TOPICS.pluginRevoked,
    description: 'A verified source revoked the installed version; it was stopped (disabled).',
    schema: z.looseObject({ plugin: z.string(), version: z.string(), reason: z.string() }),
  },
];
