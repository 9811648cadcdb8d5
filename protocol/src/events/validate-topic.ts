import { omegaError } from '../errors/index.js';

/** Most segments a topic or pattern may have. */
export const TOPIC_MAX_SEGMENTS = 8;
/** Longest topic or pattern, in characters. */
export const TOPIC_MAX_LENGTH = 255;

const SEGMENT = /^[a-z0-9_-]+$/;

const show = (s: string): string => JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s);

function splitChecked(value: unknown, what: 'topic' | 'pattern'): string[] {
  if (typeof value !== 'string' || value.length === 0) {
    throw omegaError('OMEGA_ERR_TOPIC_INVALID', `The ${what} must be a non-empty string.`, { [what]: value });
  }
  if (value.length > TOPIC_MAX_LENGTH) {
    throw omegaError(
      'OMEGA_ERR_TOPIC_INVALID',
      `The ${what} ${show(value)} is longer than ${TOPIC_MAX_LENGTH} characters.`,
      { [what]: value.slice(0, TOPIC_MAX_LENGTH) },
    );
  }
  const segments = value.split('.');
  if (segments.length > TOPIC_MAX_SEGMENTS) {
    throw omegaError(
      'OMEGA_ERR_TOPIC_INVALID',
      `The ${what} ${show(value)} has more than ${TOPIC_MAX_SEGMENTS} segments.`,
      { [what]: value },
    );
  }
  return segments;
}

/** Splits a topic into its segments, or throws OMEGA_ERR_TOPIC_INVALID. */
export function splitTopic(topic: string): string[] {
  const segments = splitChecked(topic, 'topic');
  for (const s of segments) {
    if (!SEGMENT.test(s)) {
      throw omegaError(
        'OMEGA_ERR_TOPIC_INVALID',
        `The topic ${show(topic)} has an invalid segment ${show(s)}: use [a-z0-9_-], no wildcards.`,
        { topic },
      );
    }
  }
  return segments;
}

/** Splits a pattern into its segments (`*`, `**` kept), or throws OMEGA_ERR_TOPIC_INVALID. */
export function splitPattern(pattern: string): string[] {
  const segments = splitChecked(pattern, 'pattern');
  segments.forEach((s, i) => {
    if (s === '*' || SEGMENT.test(s)) return;
    if (s === '**' && i === segments.length - 1) return;
    throw omegaError(
      'OMEGA_ERR_TOPIC_INVALID',
      s === '**'
        ? `The pattern ${show(pattern)} uses ** before its last segment; ** may only end a pattern.`
        : `The pattern ${show(pattern)} has an invalid segment ${show(s)}: use [a-z0-9_-], * or a final **.`,
      { pattern },
    );
  });
  return segments;
}

/** Throws OMEGA_ERR_TOPIC_INVALID unless `topic` is dot-separated [a-z0-9_-] segments (≤ 8, ≤ 255 chars). */
export function validateTopic(topic: string): void {
  splitTopic(topic);
}

/** Throws OMEGA_ERR_TOPIC_INVALID unless `pattern` is a valid topic pattern (`*` one segment, final `**`). */
export function validatePattern(pattern: string): void {
  splitPattern(pattern);
}
