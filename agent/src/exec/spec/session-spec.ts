import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';
import { execError } from '../errors/index.js';

/** The longest grace between SIGTERM and the kill a session can be given, ms (a spec's, a terminate's). */
export const MAX_GRACE_MS = 600_000;

const noNul = (s: string): boolean => !s.includes('\0');
const text = (max: number) => z.string().max(max).refine(noNul, 'must not contain a NUL byte');
const absPath = text(4096).refine(
  (p) => isAbsolute(p) && normalize(p) === p,
  'must be an absolute, normalised path (no `..`, no `//`)',
);
const cpuList = z.array(z.number().int().min(0).max(4095)).min(1).max(4096);

/** Hard bound on argv + environment before anything is spawned; the kernel's own E2BIG comes earlier for most shapes. */
export const MAX_ARGV_ENV_BYTES = 8 * 1024 * 1024;

/** What a session may use. Every field is optional; what the node cannot enforce is refused unless best-effort. */
export const resourcesSchema = z
  .strictObject({
    /** A hard CPU cap in thousandths of a core (1000 = one core's worth of time per period). */
    millicores: z.number().int().min(1).max(4_096_000).optional(),
    /** Whole cores, exclusive to this session among pinned sessions (cpuset.cpus). */
    cpus: cpuList.optional(),
    /** NUMA memory nodes for the cores (cpuset.mems); the caller picks them to match `cpus`. */
    mems: z.array(z.number().int().min(0).max(1023)).min(1).max(1024).optional(),
    /** Relative CPU weight under contention, cgroup v2 scale 1–10000 (default 100). */
    cpuWeight: z.number().int().min(1).max(10_000).optional(),
    /** Hard memory limit in bytes; crossing it ends the session as `oom-killed`. */
    memoryBytes: z
      .number()
      .int()
      .min(4 * 1024 * 1024)
      .optional(),
    /** Most tasks (processes and threads) alive at once. */
    pidsMax: z.number().int().min(1).max(4_194_304).optional(),
    /** Size of the session's own working directory (a quota); only with no `cwd`. */
    diskBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(2 ** 50)
      .optional(),
  })
  .prefault({});

/** The session spec the executor accepts (validated; see {@link parseSessionSpec}). */
export const sessionSpecSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1–64 of [A-Za-z0-9_.-], starting alphanumeric'),
    /** The program: a path, or a name looked up in the session's PATH. Exactly one of command or script. */
    command: text(4096).min(1).optional(),
    args: z.array(text(MAX_ARGV_ENV_BYTES)).max(4000).default([]),
    /** A script run by `shell -c`. */
    script: text(MAX_ARGV_ENV_BYTES).min(1).optional(),
    shell: absPath.default('/bin/sh'),
    /** The whole environment: nothing is inherited from the agent. */
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names are [A-Za-z_][A-Za-z0-9_]*'),
        text(MAX_ARGV_ENV_BYTES),
      )
      .refine((e) => Object.keys(e).length <= 4000, 'at most 4000 environment variables')
      .default({}),
    /** An existing directory; when omitted the session gets its own (with the disk quota, if any). */
    cwd: absPath.optional(),
    /** A mapped account (name or uid); when omitted a uid is allocated from the agent's range. */
    user: z
      .union([
        z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'not a valid user name'),
        z.number().int().min(0),
      ])
      .optional(),
    resources: resourcesSchema,
    timeLimitSec: z
      .number()
      .positive()
      .max(10 ** 8)
      .optional(),
    /** SIGTERM → SIGKILL grace when the time limit ends the session. */
    killGraceMs: z.number().int().min(0).max(MAX_GRACE_MS).default(10_000),
    /** `required`: refuse limits this node cannot enforce. `best-effort`: run, and say what was not enforced. */
    enforcement: z.enum(['required', 'best-effort']).default('required'),
    /** Bytes of each output stream kept on the node (older output is rotated away). */
    logMaxBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(2 ** 40)
      .optional(),
  })
  .refine((s) => (s.command === undefined) !== (s.script === undefined), {
    message: 'give exactly one of command or script',
    path: ['command'],
  })
  .refine((s) => s.script === undefined || s.args.length === 0, {
    message: 'args go with command; a script gets its arguments inside the script',
    path: ['args'],
  })
  .refine((s) => s.resources.diskBytes === undefined || s.cwd === undefined, {
    message: 'a disk quota applies to the session’s own working directory: drop cwd or diskBytes',
    path: ['resources', 'diskBytes'],
  })
  .refine((s) => s.resources.mems === undefined || s.resources.cpus !== undefined, {
    message: 'mems go with cpus',
    path: ['resources', 'mems'],
  });

/** A session spec as the caller writes it. */
export type SessionSpecInput = z.input<typeof sessionSpecSchema>;
/** A validated session spec, defaults applied. */
export type SessionSpec = z.output<typeof sessionSpecSchema>;
/** The resources part of a validated spec. */
export type SessionResources = SessionSpec['resources'];

/** The argv the session's main process gets (argv[0] first). */
export function sessionArgv(spec: SessionSpec): { file: string; argv: string[] } {
  if (spec.script !== undefined) return { file: spec.shell, argv: [spec.shell, '-c', spec.script] };
  return { file: spec.command!, argv: [spec.command!, ...spec.args] };
}

/** Bytes the kernel copies for argv and envp (each string plus its NUL). */
export function argvEnvBytes(argv: readonly string[], env: Record<string, string>): number {
  let n = 0;
  for (const a of argv) n += Buffer.byteLength(a) + 1;
  for (const [k, v] of Object.entries(env)) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 2;
  return n;
}

/**
 * Validates hostile input into a {@link SessionSpec}. Throws `OMEGA_ERR_EXEC_INVALID` with an
 * `errors` list naming each bad field, or `OMEGA_ERR_EXEC_ARGS_TOO_LONG` for an argument list
 * past {@link MAX_ARGV_ENV_BYTES}.
 */
export function parseSessionSpec(input: unknown): SessionSpec {
  const result = sessionSpecSchema.safeParse(input);
  if (!result.success) {
    const errors = result.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    const tooBig = result.error.issues.find(
      (i) => i.code === 'too_big' && (i.path[0] === 'args' || i.path[0] === 'env' || i.path[0] === 'script'),
    );
    if (tooBig) {
      throw execError(
        'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
        `Session argument list too long: ${errors.join('; ')}`,
        {
          source: 'validation',
          limitBytes: MAX_ARGV_ENV_BYTES,
        },
      );
    }
    throw execError('OMEGA_ERR_EXEC_INVALID', `Invalid session spec: ${errors.join('; ')}`, { errors });
  }
  const spec = result.data;
  const bytes = argvEnvBytes(sessionArgv(spec).argv, spec.env);
  if (bytes > MAX_ARGV_ENV_BYTES) {
    throw execError(
      'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
      `Session ${spec.id}: arguments and environment take ${bytes} bytes, more than ${MAX_ARGV_ENV_BYTES}.`,
      { source: 'validation', bytes, limitBytes: MAX_ARGV_ENV_BYTES },
    );
  }
  return spec;
}
