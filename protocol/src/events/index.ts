export { EVENT_ENVELOPE_BYTES, MAX_EVENT_DATA_BYTES } from './event-limits.js';
export type { EventRecord } from './event-record.js';
export {
  splitPattern,
  splitTopic,
  TOPIC_MAX_LENGTH,
  TOPIC_MAX_SEGMENTS,
  validatePattern,
  validateTopic,
} from './validate-topic.js';
