/**
 * Every error code the session executor can raise, in one table shaped like the kernel's
 * (`status` for the API, `title`, and `fix`: what to do next). The agent never imports
 * kernel/, so the executor keeps its own table; docs/agent-executor.md lists every code and a
 * test keeps the two in step.
 */
export interface ExecErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly fix: string;
}

export const EXEC_ERROR_CODES = {
  OMEGA_ERR_EXEC_INVALID: {
    status: 400,
    title: 'Invalid session spec or request',
    fix: 'Correct the fields listed in `errors` and retry.',
  },
  OMEGA_ERR_EXEC_ARGS_TOO_LONG: {
    status: 400,
    title: 'Argument list too long',
    fix: 'Pass large inputs in a file or on stdin of a script instead of the argument list or environment (the kernel limits one string to 128 KiB and all of them to about a quarter of the stack limit).',
  },
  OMEGA_ERR_EXEC_START_FAILED: {
    status: 422,
    title: 'Session command could not be started',
    fix: 'Check `stage` and `errno`: the command must exist and be executable by the session user, and the working directory must be reachable by that user.',
  },
  OMEGA_ERR_EXEC_NOT_FOUND: {
    status: 404,
    title: 'No such session on this node',
    fix: 'list() shows the sessions this agent knows; ended sessions stay until removed.',
  },
  OMEGA_ERR_EXEC_EXISTS: {
    status: 409,
    title: 'Session id already in use',
    fix: 'Use a new id, or remove() the ended session first.',
  },
  OMEGA_ERR_EXEC_STATE: {
    status: 409,
    title: 'Not possible in the session’s current phase',
    fix: 'Read status(id): a session can be paused only while running, resumed only while paused, and nothing but logs and removal applies once it ended.',
  },
  OMEGA_ERR_EXEC_UNENFORCEABLE: {
    status: 422,
    title: 'Requested limit cannot be enforced on this node',
    fix: 'Place the session on a node whose report() enforces it, drop the limit, or set enforcement: "best-effort".',
  },
  OMEGA_ERR_EXEC_IDENTITY: {
    status: 403,
    title: 'Session user refused',
    fix: 'Give an existing unprivileged account (never root, at least the configured minimum uid), or let the agent allocate one from its uid range.',
  },
  OMEGA_ERR_EXEC_UID_EXHAUSTED: {
    status: 503,
    title: 'No free session uid',
    fix: 'Every uid of the configured range is in use: end sessions or widen uidRange.',
  },
  OMEGA_ERR_EXEC_CPUS_BUSY: {
    status: 409,
    title: 'Cores not available',
    fix: 'The requested cores or memory nodes are pinned by another session or do not exist on this node; pick others from report().cpus.',
  },
  OMEGA_ERR_EXEC_CGROUP: {
    status: 500,
    title: 'Cgroup operation failed',
    fix: 'Check that the agent runs as root with the cgroup hierarchy mounted read-write (see report()); the named file says which operation failed.',
  },
  OMEGA_ERR_EXEC_SUPERVISOR: {
    status: 500,
    title: 'Session supervisor failed',
    fix: 'The per-session supervisor could not be built or started; install a C compiler (cc) or see supervisor.log in the session directory.',
  },
  OMEGA_ERR_EXEC_QUOTA: {
    status: 507,
    title: 'Disk quota could not be set up',
    fix: 'The working-directory quota needs root and loop devices with mkfs.ext4 (or tmpfs); see report().diskQuota, or drop resources.diskBytes.',
  },
} as const satisfies Record<string, ExecErrorSpec>;

/** A stable executor error code such as `OMEGA_ERR_EXEC_NOT_FOUND`. */
export type ExecErrorCode = keyof typeof EXEC_ERROR_CODES;
