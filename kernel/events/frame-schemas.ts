import { z } from 'zod';

/** The frames of the event stream (`GET /api/v1/events`, kernel/ws/event-frames.ts), by `type`. */
export const EVENT_FRAME_SCHEMAS = {
  hello: {
    description: 'First frame, once.',
    schema: z.strictObject({
      type: z.literal('hello'),
      lastSeq: z.number().int().describe('The newest sequence number at connect time'),
    }),
  },
  event: {
    description: 'Each event, in sequence order.',
    schema: z.strictObject({
      type: z.literal('event'),
      seq: z.number().int().describe('Increasing, never reused'),
      topic: z.string(),
      time: z.number().int().describe('Epoch ms'),
      data: z.unknown().describe("The payload: the topic's schema below"),
      dataError: z.literal(true).optional().describe('The payload could not be encoded; `data` is null'),
    }),
  },
  resync: {
    description: 'Just before a close with code 4000: events were missed and cannot be replayed.',
    schema: z.strictObject({
      type: z.literal('resync'),
      reason: z
        .enum(['too-old', 'overflow'])
        .describe('`since` is older than the retained window, or the client read too slowly'),
      lastSeq: z.number().int(),
    }),
  },
} as const;
