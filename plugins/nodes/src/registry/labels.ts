import { type FieldError, isLabelKey, isLabelValue } from '@omega/sdk';

/** Most labels per node. */
export const MAX_LABELS = 64;

/**
 * Checks a label map from a client or a token (`field` names where it came from). Answers the
 * field errors; an empty list means valid.
 */
export function labelProblems(labels: unknown, field: string, allowNull = false): FieldError[] {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels))
    return [{ field, message: 'must be an object of label key → value' }];
  const out: FieldError[] = [];
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS) out.push({ field, message: `has more than ${MAX_LABELS} labels` });
  for (const [k, v] of entries.slice(0, MAX_LABELS + 1)) {
    if (!isLabelKey(k))
      out.push({
        field: `${field}.${k.slice(0, 64)}`,
        message: 'is not a label key ([prefix/]name: letters, digits, . _ -, at most 63)',
      });
    else if (!(typeof v === 'string' && isLabelValue(v)) && !(allowNull && v === null))
      out.push({
        field: `${field}.${k}`,
        message: `must be ${allowNull ? 'null (remove) or ' : ''}a string of at most 63 letters, digits, . _ - (starting and ending alphanumeric)`,
      });
  }
  return out;
}

/** Applies a merge patch (`null` removes a key) to `labels`; returns the new map. */
export function patchLabels(
  labels: Record<string, string>,
  patch: Record<string, string | null>,
): Record<string, string> {
  const out = { ...labels };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
