/**
 * Every error code Omega can return, in one place. `docs/errors.md` is generated from
 * this table (`npm run gen`); a test fails when the two drift.
 *
 * - `status`: the HTTP status the code maps to on the API.
 * - `title`: a short, stable summary (the RFC 9457 `title`).
 * - `fix`: what the caller or operator should do next.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly fix: string;
}

export const ERROR_CODES = {
  // ── HTTP and input ──────────────────────────────────────────────────────────
  OMEGA_ERR_NOT_FOUND: {
    status: 404,
    title: 'Not found',
    fix: 'Check the path and id; GET /api/v1/openapi.json lists every route.',
  },
  OMEGA_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    fix: 'Use one of the methods in the Allow header.',
  },
  OMEGA_ERR_BAD_JSON: {
    status: 400,
    title: 'Malformed JSON body',
    fix: 'Send a syntactically valid JSON document.',
  },
  OMEGA_ERR_VALIDATION: {
    status: 400,
    title: 'Invalid input',
    fix: 'Correct the fields listed in `errors` and retry.',
  },
  OMEGA_ERR_PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Request body too large',
    fix: 'Send a smaller body, or raise http.bodyLimitBytes in the kernel config.',
  },
  OMEGA_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request headers too large',
    fix: 'Send fewer or smaller headers (cookies and tokens are the usual cause).',
  },
  OMEGA_ERR_REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request timeout',
    fix: 'The whole request (headers and body) must arrive within http.requestTimeoutMs (60 s by default): send as many body bytes as its Content-Length says, without pausing.',
  },
  OMEGA_ERR_BAD_REQUEST: {
    status: 400,
    title: 'Malformed request',
    fix: 'The request could not be parsed as HTTP (bad framing, encoding or URL); fix the client.',
  },
  OMEGA_ERR_UPGRADE_REQUIRED: {
    status: 426,
    title: 'WebSocket upgrade required',
    fix: 'Connect with a WebSocket client (Upgrade: websocket), e.g. ws://host:port/api/v1/events?topics=nodes.**.',
  },
  OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    fix: 'Send the body as UTF-8 application/json with a matching Content-Type header, uncompressed (no Content-Encoding).',
  },
  OMEGA_ERR_UNAUTHENTICATED: {
    status: 401,
    title: 'Authentication required',
    fix: 'Send a valid bearer token in the Authorization header.',
  },
  OMEGA_ERR_FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    fix: 'Ask an administrator for the permission named in `permission`.',
  },
  OMEGA_ERR_CONFLICT: {
    status: 409,
    title: 'Version conflict',
    fix: 'Re-read the record, apply your change to the current version, and retry with that version.',
  },
  OMEGA_ERR_ALREADY_EXISTS: {
    status: 409,
    title: 'Already exists',
    fix: 'Choose another id, or update the existing record instead.',
  },
  OMEGA_ERR_RATE_LIMITED: {
    status: 429,
    title: 'Too many requests',
    fix: 'Wait for the number of seconds in the Retry-After header, then retry.',
  },
  OMEGA_ERR_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    fix: 'The kernel is starting or shutting down; retry shortly.',
  },
  OMEGA_ERR_INTERNAL: {
    status: 500,
    title: 'Internal error',
    fix: 'Retry; if it persists, report the requestId from this response to the operator.',
  },
  OMEGA_ERR_OUTCOME_UNKNOWN: {
    status: 500,
    title: 'Outcome unknown',
    fix: 'The change may or may not have been applied (the plugin host ended, or the deadline passed, while it worked). Read the resource back before trying again, and never assume it failed: a retry with the same Idempotency-Key answers this again and never applies the change twice; to try again, use a new key.',
  },
  OMEGA_ERR_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused for another request',
    fix: 'An Idempotency-Key is bound to the method, path and body of its first use; send a new key for a different request.',
  },
  OMEGA_ERR_IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    title: 'Request with this idempotency key still running',
    fix: 'The first request with this Idempotency-Key has not finished; retry after the seconds in Retry-After to get its outcome.',
  },
  // ── Configuration ───────────────────────────────────────────────────────────
  OMEGA_ERR_CONFIG_INVALID: {
    status: 500,
    title: 'Invalid configuration',
    fix: 'Correct the named field in the config file, environment variable or flag.',
  },
  // ── Storage ─────────────────────────────────────────────────────────────────
  OMEGA_ERR_STORAGE_CORRUPT: {
    status: 500,
    title: 'Storage file is corrupt',
    fix: 'Restore the named file from a backup, or move it aside to start that namespace empty; Omega never overwrites it.',
  },
  OMEGA_ERR_STORAGE_IO: {
    status: 500,
    title: 'Storage write failed',
    fix: 'Check free disk space and permissions of the data directory.',
  },
  OMEGA_ERR_STORAGE_CLOSED: {
    status: 503,
    title: 'Storage is closed',
    fix: 'The kernel is shutting down; retry against the restarted kernel.',
  },
  OMEGA_ERR_STORAGE_FULL: {
    status: 507,
    title: 'Storage full',
    fix: 'The disk (or quota) holding the data directory is full, so nothing was saved. Free space on it; writes work again without a restart.',
  },
  OMEGA_ERR_DATA_DIR_LOCKED: {
    status: 409,
    title: 'Data directory in use',
    fix: 'Another kernel (the pid named) runs on this data directory: stop it first, or start this one with another --data-dir.',
  },
  // ── Crypto ──────────────────────────────────────────────────────────────────
  OMEGA_ERR_TOKEN_INVALID: {
    status: 401,
    title: 'Invalid token',
    fix: 'Obtain a new token; this one is malformed, has a bad signature, or has the wrong issuer or audience.',
  },
  OMEGA_ERR_TOKEN_EXPIRED: {
    status: 401,
    title: 'Token expired',
    fix: 'Obtain a new token.',
  },
  OMEGA_ERR_SEAL_INVALID: {
    status: 400,
    title: 'Sealed data cannot be opened',
    fix: 'The data was tampered with, or sealed with a key that has been retired.',
  },
  OMEGA_ERR_SIGNATURE_INVALID: {
    status: 400,
    title: 'Signature invalid',
    fix: 'The signed data was altered, or signed by a key this kernel does not know (another keyring, or a retired key).',
  },
  OMEGA_ERR_KEYRING: {
    status: 500,
    title: 'Keyring unusable',
    fix: 'Check that keyring.json in the data directory is readable only by the kernel user (mode 0600) and is valid.',
  },
  OMEGA_ERR_KEYRING_KEY: {
    status: 500,
    title: 'Keyring key missing or wrong',
    fix: 'The keyring is encrypted at rest: set OMEGA_KEYRING_KEY (or OMEGA_KEYRING_KEY_FILE, a file of mode 0600) to the key it was encrypted with, then start again.',
  },
  // ── Event bus ───────────────────────────────────────────────────────────────
  OMEGA_ERR_TOPIC_INVALID: {
    status: 400,
    title: 'Invalid topic or pattern',
    fix: 'Use dot-separated segments of [a-z0-9_-]; patterns may use * (one segment) and ** (any number, last only).',
  },
  OMEGA_ERR_REPLAY_TOO_OLD: {
    status: 410,
    title: 'Replay window exceeded',
    fix: 'The requested sequence is no longer retained: re-read the state (list) and subscribe from its sequence.',
  },
  // ── System (host metrics) ───────────────────────────────────────────────────
  OMEGA_ERR_SYSTEM_READ: {
    status: 503,
    title: 'Host metrics unavailable',
    fix: 'The kernel could not read or parse the named host source (e.g. /proc/stat); check that /proc and /sys are mounted and readable by the kernel user.',
  },
  // ── Plugins and sandbox ─────────────────────────────────────────────────────
  OMEGA_ERR_PERM_DENIED: {
    status: 403,
    title: 'Plugin permission denied',
    fix: 'Declare the permission in plugin.json and have the operator grant it.',
  },
  OMEGA_ERR_MANIFEST_INVALID: {
    status: 400,
    title: 'Invalid plugin manifest',
    fix: 'Correct the named field in plugin.json.',
  },
  OMEGA_ERR_PLUGIN_NOT_FOUND: {
    status: 404,
    title: 'Plugin not found',
    fix: 'GET /api/v1/plugins lists the installed plugins.',
  },
  OMEGA_ERR_PLUGIN_INCOMPATIBLE: {
    status: 409,
    title: 'Plugin incompatible',
    fix: 'Install a plugin version whose engines.omega range includes this kernel version.',
  },
  OMEGA_ERR_PLUGIN_DEPENDENCY: {
    status: 409,
    title: 'Plugin dependency missing or incompatible',
    fix: 'Install or enable the named dependency at a version in the required range.',
  },
  OMEGA_ERR_PLUGIN_NOT_GRANTED: {
    status: 409,
    title: 'Plugin permission not granted',
    fix: 'Grant the named permissions to the plugin (grants file or admin API), then enable it.',
  },
  OMEGA_ERR_PLUGIN_UNAVAILABLE: {
    status: 503,
    title: 'Plugin not running',
    fix: 'The plugin is starting, stopping (finishing its calls in flight), disabled, crashed or quarantined; GET /api/v1/plugins/{name} shows why.',
  },
  OMEGA_ERR_PLUGIN_TIMEOUT: {
    status: 504,
    title: 'Plugin call timed out',
    fix: 'The plugin exceeded its call deadline; its author should make the handler faster or raise limits.callTimeoutMs.',
  },
  OMEGA_ERR_PLUGIN_FAILED: {
    status: 502,
    title: 'Plugin failed',
    fix: 'The plugin threw or returned a malformed response; see the kernel log for the plugin and hook that failed.',
  },
  OMEGA_ERR_PLUGIN_LIMIT: {
    status: 413,
    title: 'Plugin limit exceeded',
    fix: 'The call exceeded a size, depth or rate limit of the sandbox; send less data per call, or, when the answer is what is too large (system.*, services.call, agents.*), ask for less at a time as the message says.',
  },
  OMEGA_ERR_FETCH_FAILED: {
    status: 502,
    title: 'Outbound fetch failed',
    fix: 'The remote host could not be resolved or reached, or broke the connection or TLS; check the URL and that the host is up.',
  },
  // ── Marketplace ─────────────────────────────────────────────────────────────
  OMEGA_ERR_MARKETPLACE_UNTRUSTED: {
    status: 502,
    title: 'Marketplace data not trusted',
    fix: 'A signed document or artifact from the named source failed verification (signature threshold, expiry, version rollback, hash, length or release statement); nothing was changed. Do not use this source until its owner republishes, and check it is the source you trust.',
  },
  OMEGA_ERR_MARKETPLACE_DOWNLOAD: {
    status: 502,
    title: 'Marketplace download failed',
    fix: 'The source could not be read, answered with an error, or sent more bytes than allowed; check the source URL or directory and retry.',
  },
  OMEGA_ERR_CONSENT_REQUIRED: {
    status: 409,
    title: 'Operator consent required',
    fix: 'Review the permission diff in `plan`, then repeat the request with `consent` set to its `consent` digest (omega plugin install/upgrade asks interactively); the installed version keeps serving meanwhile.',
  },
  OMEGA_ERR_PLUGIN_REVOKED: {
    status: 410,
    title: 'Plugin version revoked',
    fix: 'The marketplace revoked this version for the signed reason given; install or upgrade to a version that is not revoked.',
  },
  // ── the agent's Slurm driver ──
  OMEGA_ERR_SLURM_CONFIG: {
    status: 500,
    title: 'Slurm driver misconfigured',
    fix: 'Correct the named driver option (mode, restUrl, jwtKeyFile or token, user) in the agent configuration.',
  },
  OMEGA_ERR_SLURM_UNAVAILABLE: {
    status: 503,
    title: 'Slurm unreachable',
    fix: 'Check that slurmctld (and slurmrestd in rest mode) run and are reachable from the agent, and that the Slurm client commands are installed; then retry.',
  },
  OMEGA_ERR_SLURM_AUTH: {
    status: 502,
    title: 'Slurm refused the credentials',
    fix: 'Check that the JWT key file is the cluster’s jwt_key (or the token is current) and that the token user matches the configured user; slurmrestd answers a bad token with 500, not 401.',
  },
  OMEGA_ERR_SLURM_REFUSED: {
    status: 422,
    title: 'Slurm refused the job',
    fix: 'Read `slurmError`: the request exceeds a partition or node limit (cores, memory, GPUs, time) or names an unknown partition; ask for less or another partition.',
  },
  OMEGA_ERR_SLURM_JOB_NOT_FOUND: {
    status: 404,
    title: 'Slurm job not found',
    fix: 'Check the job id; Slurm forgets finished jobs after MinJobAge (default 300 s) unless accounting keeps them.',
  },
  OMEGA_ERR_SLURM_JOB_STATE: {
    status: 409,
    title: 'Slurm job in the wrong state',
    fix: 'The operation does not apply to the job’s current state (e.g. suspend a pending job, resume a running one); read the status and retry when it applies.',
  },
  OMEGA_ERR_SLURM_NOT_OWNER: {
    status: 403,
    title: 'Slurm job belongs to another user',
    fix: 'This driver acts only on jobs of its configured user; use a driver configured for the job’s owner.',
  },
  OMEGA_ERR_SLURM_COMMAND_FAILED: {
    status: 502,
    title: 'Slurm command failed',
    fix: 'Read `command` and `slurmError` (the first error line it printed); fix the Slurm-side cause (permissions: suspend/resume need root or the SlurmUser) and retry.',
  },
  OMEGA_ERR_SLURM_PROTOCOL: {
    status: 502,
    title: 'Unexpected answer from Slurm',
    fix: 'The answer could not be parsed; check that slurmrestd serves openapi/v0.0.38 and the client commands are Slurm 22.05 or later.',
  },
  OMEGA_ERR_SLURM_LOG_UNAVAILABLE: {
    status: 409,
    title: 'Job output not readable',
    fix: 'The job’s output file is not on a file system the agent can read, is not a regular file owned by the job’s user, or uses a filename pattern the driver does not expand; run the agent on a host that shares the job’s working directory.',
  },
  // ── the agent's session executor ──
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
} as const satisfies Record<string, ErrorSpec>;

/** A stable error code such as `OMEGA_ERR_NOT_FOUND`. */
export type ErrorCode = keyof typeof ERROR_CODES;
