export {
  splitPattern,
  splitTopic,
  TOPIC_MAX_LENGTH,
  TOPIC_MAX_SEGMENTS,
  validatePattern,
  validateTopic,
} from '@omega/protocol';
export { type CompiledPattern, compilePattern } from './compile-pattern.js';
export { createEventBus } from './create-event-bus.js';
export {
  type BusEvent,
  DEFAULT_REPLAY_MAX_BYTES,
  DURABLE_ROOTS,
  type EventBus,
  type EventBusOptions,
  type EventHandler,
  type EventPersistence,
  type PublishOptions,
  type ResyncInfo,
  type SeqReserve,
  type SubscribeOptions,
  type Subscription,
} from './event-bus.js';
export { eventDataJson } from './event-data-json.js';
export { matchTopic } from './match-topic.js';
