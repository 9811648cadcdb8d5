import { splitTopic } from '@omega/protocol';
import { compilePattern } from './compile-pattern.js';

/**
 * True when `topic` matches `pattern`. Throws OMEGA_ERR_TOPIC_INVALID for an invalid
 * pattern or topic. Compiles on every call: for repeated matching use compilePattern.
 */
export function matchTopic(pattern: string, topic: string): boolean {
  return compilePattern(pattern).matches(splitTopic(topic));
}
