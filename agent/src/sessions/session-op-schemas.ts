import { z } from 'zod';
import { execError, MAX_GRACE_MS } from '../exec/index.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a session id');
const stream = z.enum(['stdout', 'stderr']);
const offset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const cpuList = z.array(z.number().int().min(0).max(4095)).min(1).max(4096);

/** Args of `session.start` (the sessions plugin's StartOpArgs). */
export const startArgsSchema = z.strictObject({
  id,
  engine: z.enum(['exec', 'slurm']),
  name: z.string().min(1).max(64),
  command: z.string().min(1).max(4096).optional(),
  args: z.array(z.string()).max(4000).default([]),
  script: z.string().min(1).optional(),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().min(1).max(4096).optional(),
  resources: z.strictObject({
    cpus: cpuList.optional(),
    mems: z.array(z.number().int().min(0).max(1023)).min(1).max(1024).optional(),
    millicores: z.number().int().min(1).max(4_096_000).optional(),
    cores: z.number().int().min(1).max(4096).optional(),
    memoryBytes: z
      .number()
      .int()
      .min(4 * 1024 * 1024),
    pidsMax: z.number().int().min(1).max(4_194_304).optional(),
    diskBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(2 ** 50)
      .optional(),
    gpus: z.number().int().min(0).max(64).default(0),
    gpuIndexes: z.array(z.number().int().min(0).max(1023)).max(64).optional(),
  }),
  timeLimitSec: z
    .number()
    .positive()
    .max(10 ** 8)
    .optional(),
  enforcement: z.enum(['required', 'best-effort']).default('required'),
  partition: z
    .string()
    .regex(/^[A-Za-z0-9._+@-]{1,64}$/)
    .optional(),
});
/** Validated `session.start` args. */
export type StartArgs = z.output<typeof startArgsSchema>;

/** Args of ops that name only a session. */
export const idArgsSchema = z.strictObject({ id });

/** Args of `session.terminate`. */
export const terminateArgsSchema = z.strictObject({
  id,
  graceMs: z.number().int().min(0).max(MAX_GRACE_MS).optional(),
  reason: z.string().max(512).optional(),
});

/** Args of `session.logs`: a window, waiting up to `waitMs` for new bytes. */
export const logsArgsSchema = z.strictObject({
  id,
  stream: stream.default('stdout'),
  offset: offset.default(0),
  limit: z
    .number()
    .int()
    .min(1)
    .max(512 * 1024)
    .default(65_536),
  waitMs: z.number().int().min(0).max(30_000).default(0),
});
/** Validated `session.logs` args. */
export type LogsArgs = z.output<typeof logsArgsSchema>;

/** Args of `session.search-logs`. */
export const searchArgsSchema = z.strictObject({
  id,
  stream: stream.default('stdout'),
  pattern: z.string().min(1).max(1024),
  regex: z.boolean().default(false),
  fromOffset: offset.default(0),
  maxMatches: z.number().int().min(1).max(1000).default(100),
});
/** Validated `session.search-logs` args. */
export type SearchArgs = z.output<typeof searchArgsSchema>;

/** Parses op args; a bad field is OMEGA_ERR_EXEC_INVALID naming it (the kernel sees the code). */
export function parseOpArgs<T>(schema: z.ZodType<T>, op: string, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw execError('OMEGA_ERR_EXEC_INVALID', `Invalid ${op} args: ${errors.join('; ')}`, { errors });
}
