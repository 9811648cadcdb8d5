export type { EventTopicSpec } from './event-topic-spec.js';
export { findTopicSpec, topicSpecCovers } from './find-topic-spec.js';
export { EVENT_FRAME_SCHEMAS } from './frame-schemas.js';
export { KERNEL_EVENT_SCHEMAS } from './kernel-event-schemas.js';
export { KERNEL_TOPICS } from './kernel-topics.js';
export { MEMORY_REPLAY_TOPICS } from './memory-replay-topics.js';
