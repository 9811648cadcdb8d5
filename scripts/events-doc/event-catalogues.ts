import type { EventTopicSpec } from '../../kernel/events/index.js';
import { KERNEL_EVENT_SCHEMAS } from '../../kernel/events/index.js';
import { MARKETPLACE_EVENT_SCHEMAS } from '../../marketplace/events/marketplace-event-schemas.js';
import { eventSchemas as metrics } from '../../plugins/metrics/src/event-schemas.js';
import { eventSchemas as nodes } from '../../plugins/nodes/src/event-schemas.js';
import { eventSchemas as resources } from '../../plugins/resources/src/event-schemas.js';
import { eventSchemas as security } from '../../plugins/security/src/event-schemas.js';
import { eventSchemas as sessions } from '../../plugins/sessions/src/event-schemas.js';

/** One publisher's topics, with the file that declares them. */
export interface EventCatalogue {
  publisher: string;
  source: string;
  specs: readonly EventTopicSpec[];
}

/**
 * Every topic Omega itself publishes, by publisher: the kernel, the marketplace and each core
 * plugin (the dashboard publishes none). docs/events.md is generated from this list and
 * tests/events/event-catalogue.test.ts holds a running Omega to it.
 */
export const EVENT_CATALOGUES: readonly EventCatalogue[] = [
  { publisher: 'the kernel', source: 'kernel/events/kernel-event-schemas.ts', specs: KERNEL_EVENT_SCHEMAS },
  {
    publisher: 'the marketplace',
    source: 'marketplace/events/marketplace-event-schemas.ts',
    specs: MARKETPLACE_EVENT_SCHEMAS,
  },
  { publisher: 'the metrics plugin', source: 'plugins/metrics/src/event-schemas.ts', specs: metrics },
  { publisher: 'the nodes plugin', source: 'plugins/nodes/src/event-schemas.ts', specs: nodes },
  { publisher: 'the sessions plugin', source: 'plugins/sessions/src/event-schemas.ts', specs: sessions },
  { publisher: 'the resources plugin', source: 'plugins/resources/src/event-schemas.ts', specs: resources },
  { publisher: 'the security plugin', source: 'plugins/security/src/event-schemas.ts', specs: security },
];

/** Every entry of every catalogue. */
export const ALL_TOPIC_SPECS: readonly EventTopicSpec[] = EVENT_CATALOGUES.flatMap((c) => c.specs);
