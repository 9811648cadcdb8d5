import { parseDuration, parseTime } from '../query/parse-time.js';
import { isRuleId } from './rule-store.js';

/** Who did something: the caller's id and display name (from the request). */
export interface Who {
  id: string;
  name: string;
}

/** Which alerts a silence covers: those of `rule` (when set) whose labels include every one of `labels`. */
export interface SilenceMatchers {
  rule?: string;
  labels?: Record<string, string>;
}

/** A silence as stored: what it matches, why, and from when until when. */
export interface Silence {
  matchers: SilenceMatchers;
  reason: string;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms; moved to the expiry time when the silence is expired early. */
  endsAt: number;
  createdBy: Who;
  /** Set when someone expired it before `endsAt`. */
  expiredBy?: Who;
}

/** The longest a silence may last (30 days), and the longest reason. */
export const MAX_SILENCE_MS = 30 * 86_400_000;
export const MAX_REASON = 500;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

/** A field and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Reads a required human reason (1–500 characters after trimming). */
export function parseReason(v: unknown): string | FieldProblem {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > MAX_REASON)
    return { field: 'reason', message: `is required: say why, in 1–${MAX_REASON} characters` };
  return v.trim();
}

function parseMatchers(o: Record<string, unknown>): SilenceMatchers | FieldProblem {
  const out: SilenceMatchers = {};
  if (o.rule !== undefined) {
    if (typeof o.rule !== 'string' || !isRuleId(o.rule))
      return { field: 'rule', message: 'must be an alert rule id' };
    out.rule = o.rule;
  }
  if (o.labels !== undefined) {
    if (o.labels === null || typeof o.labels !== 'object' || Array.isArray(o.labels))
      return { field: 'labels', message: 'must be an object of label name → value' };
    const entries = Object.entries(o.labels as Record<string, unknown>);
    if (entries.length > 32) return { field: 'labels', message: 'at most 32 labels' };
    const labels: Record<string, string> = {};
    for (const [k, v] of entries) {
      if (!LABEL_NAME.test(k) || typeof v !== 'string' || v.length > 256)
        return { field: `labels.${k}`, message: 'label names are identifiers, values strings of ≤256' };
      labels[k] = v;
    }
    if (entries.length > 0) out.labels = labels;
  }
  if (out.rule === undefined && out.labels === undefined)
    return {
      field: 'rule',
      message: 'a silence needs a rule id, labels, or both (it may not match everything)',
    };
  return out;
}

function endOf(o: Record<string, unknown>, now: number): number | null {
  if (o.for !== undefined) {
    const d = typeof o.for === 'number' ? o.for : typeof o.for === 'string' ? parseDuration(o.for) : null;
    return d === null ? null : now + d;
  }
  return typeof o.until === 'string' || typeof o.until === 'number' ? parseTime(String(o.until), now) : null;
}

function parseEnd(o: Record<string, unknown>, now: number): number | FieldProblem {
  if ((o.for === undefined) === (o.until === undefined))
    return { field: 'for', message: 'give exactly one of "for" (a duration such as 2h) or "until" (a time)' };
  const field = o.for !== undefined ? 'for' : 'until';
  const end = endOf(o, now);
  if (end === null || !Number.isFinite(end))
    return { field, message: 'must be a duration such as 30m or 2h (for), or epoch ms / RFC 3339 (until)' };
  if (end <= now) return { field, message: 'must end in the future' };
  if (end - now > MAX_SILENCE_MS) return { field, message: 'a silence lasts at most 30 days' };
  return Math.round(end);
}

/**
 * Validates a silence from an API body: `rule` and/or `labels` (what it matches), `reason`,
 * and `for` (a duration) or `until` (a time). Returns the silence, or the field at fault.
 */
export function parseSilence(input: unknown, now: number, by: Who): { silence: Silence } | FieldProblem {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { field: 'body', message: 'must be a JSON object' };
  const o = input as Record<string, unknown>;
  const matchers = parseMatchers(o);
  if ('field' in matchers) return matchers;
  const reason = parseReason(o.reason);
  if (typeof reason !== 'string') return reason;
  const endsAt = parseEnd(o, now);
  if (typeof endsAt !== 'number') return endsAt;
  return { silence: { matchers, reason, startsAt: now, endsAt, createdBy: by } };
}

/** True while `s` is in force at `now`. */
export function silenceActive(s: Silence, now: number): boolean {
  return s.startsAt <= now && now < s.endsAt;
}

/** True when `s` covers an alert of `rule` with `labels` (its time is not considered). */
export function silenceMatches(s: Silence, rule: string, labels: Record<string, string>): boolean {
  if (s.matchers.rule !== undefined && s.matchers.rule !== rule) return false;
  for (const [k, v] of Object.entries(s.matchers.labels ?? {})) if (labels[k] !== v) return false;
  return true;
}
