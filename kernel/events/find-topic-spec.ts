import { compilePattern } from '../bus/compile-pattern.js';
import { splitTopic } from '../bus/index.js';
import type { EventTopicSpec } from './event-topic-spec.js';

const isPattern = (t: string) => t.split('.').some((s) => s === '*' || s === '**');

/** True when `spec` covers `topic`: the same topic, or its pattern with a `*` segment among its variants. */
export function topicSpecCovers(spec: EventTopicSpec, topic: string): boolean {
  if (!isPattern(spec.topic)) return spec.topic === topic;
  const segments = splitTopic(topic);
  if (!compilePattern(spec.topic).matches(segments)) return false;
  if (!spec.variants) return true;
  const at = spec.topic.split('.').indexOf('*');
  return at >= 0 && spec.variants.includes(segments[at] ?? '');
}

/**
 * The entry of `specs` that describes `topic`: an exact one first, then a pattern (so
 * `metrics.alert.acknowledged` is not taken for `metrics.alert.<firing|resolved>`).
 */
export function findTopicSpec<S extends EventTopicSpec>(specs: readonly S[], topic: string): S | undefined {
  return (
    specs.find((s) => !isPattern(s.topic) && s.topic === topic) ??
    specs.find((s) => isPattern(s.topic) && topicSpecCovers(s, topic))
  );
}
