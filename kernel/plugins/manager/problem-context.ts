import { ERROR_CODES, type ErrorCode } from '@omega/protocol';
import type { RouteAnswer } from '../../sandbox/call-route.js';

const PROBLEM_TYPE = /^application\/problem\+json\s*(;|$)/i;

/**
 * A plugin's problem answer as the kernel's own: the `instance` (the request's path) and
 * `requestId` every problem carries (docs/errors.md: the id to report), added where the plugin
 * left them out, and a kernel code's own title (a plugin's may be derived from the code: an older
 * sdk titled OMEGA_ERR_VALIDATION "Validation", the kernel "Invalid input"). Any other answer is
 * returned as it is: the success path does no work here.
 */
export function withProblemContext(res: RouteAnswer, path: () => string, requestId: string): RouteAnswer {
  if (res.status < 400) return res;
  const body = res.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return res;
  const type = res.headers['content-type']; // validated: names are lower-case
  if (type === undefined || !PROBLEM_TYPE.test(type)) return res;
  const doc = body as Record<string, unknown>;
  const code = doc.code;
  const spec =
    typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as ErrorCode] : null;
  const { bodyJson: _text, ...rest } = res;
  return {
    ...rest,
    body: {
      ...doc,
      ...(spec ? { title: spec.title } : {}),
      instance: typeof doc.instance === 'string' ? doc.instance : path(),
      requestId,
    },
  };
}
