export { type CompiledPattern, compilePattern } from './compile-pattern.js';
export { createEventBus } from './create-event-bus.js';
export type {
  BusEvent,
  EventBus,
  EventBusOptions,
  EventHandler,
  ResyncInfo,
  SeqReserve,
  SubscribeOptions,
  Subscription,
} from './event-bus.js';
export { matchTopic } from './match-topic.js';
export {
  splitPattern,
  splitTopic,
  TOPIC_MAX_LENGTH,
  TOPIC_MAX_SEGMENTS,
  validatePattern,
  validateTopic,
} from './validate-topic.js';
