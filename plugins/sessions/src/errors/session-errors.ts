import { type HttpError, httpError } from '@omega/sdk';

/** One of the plugin's own error codes: the HTTP status it maps to and what to do next. */
export interface SessionErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly fix: string;
}

/**
 * The sessions plugin's own error codes (the kernel's are used where one fits:
 * OMEGA_ERR_VALIDATION, OMEGA_ERR_NOT_FOUND, OMEGA_ERR_FORBIDDEN, OMEGA_ERR_CONFLICT).
 * docs/sessions.md lists every one; a test keeps the two in step.
 */
export const SESSION_ERRORS = {
  SESSIONS_ERR_QUOTA: {
    status: 403,
    title: 'Quota exceeded',
    fix: 'End or cancel some of your sessions, ask for less, or ask an admin to raise the quota named in `quota` (current use in `used`).',
  },
  SESSIONS_ERR_STATE: {
    status: 409,
    title: 'Not possible in the session’s current state',
    fix: 'Pause only running sessions, resume only paused ones, and wait for an operation in progress; read the session and retry.',
  },
  SESSIONS_ERR_NODE_REFUSED: {
    status: 502,
    title: 'The node refused the operation',
    fix: 'Read `nodeCode` and the message (the agent’s own error); the session’s status says what it is now.',
  },
  SESSIONS_ERR_NODE_UNREACHABLE: {
    status: 503,
    title: 'The session’s node cannot be reached now',
    fix: 'The request is kept and sent when the node is back (see the session’s status); for logs, retry later.',
  },
  SESSIONS_ERR_ROLES_UNAVAILABLE: {
    status: 503,
    title: 'Role quotas cannot be checked',
    fix: 'The security plugin did not say which roles you have; check that it runs and that sessions is granted services:call:security.user-roles, then retry.',
  },
  SESSIONS_ERR_NO_LOGS: {
    status: 409,
    title: 'The session has no logs yet',
    fix: 'A session has output only once it started on a node; wait until it is starting or running.',
  },
} as const satisfies Record<string, SessionErrorSpec>;

/** One of the plugin's own codes. */
export type SessionErrorCode = keyof typeof SESSION_ERRORS;

/** A coded error with its HTTP status (a route error, and a service error with the same code). */
export function sessionError(
  code: SessionErrorCode,
  detail: string,
  extras?: Record<string, unknown>,
): HttpError {
  return httpError(SESSION_ERRORS[code].status, code, detail, extras);
}
