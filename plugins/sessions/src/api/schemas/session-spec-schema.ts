import { MAX_SELECTOR } from '@omega/sdk';
import { jsonSchemaField } from '@omega/sdk/route-schemas';
import { z } from 'zod';
import {
  DEFAULT_MEMORY_PER_CORE,
  MAX_ARGV_ENV_BYTES,
  MAX_DISK,
  MAX_TIME_LIMIT_SEC,
  MIN_DISK,
  MIN_MEMORY,
} from '../../spec/parse-session-spec.js';

/** A string without NUL (what the handlers refuse in commands, arguments and environment values). */
const NO_NUL = '^[^\\u0000]*$';

/*
 * The session spec a client sends (POST /sessions, and `spec` of POST /sessions/plan): every
 * per-field rule of parseSessionSpec, which still runs after the kernel's check for what a schema
 * cannot say (exactly one of command and script, cores or millicores, a size's minimum when it is
 * text, the total size of command + arguments + environment, rules that depend on the target).
 */

/** Bytes as an integer, or a size text as parseSize reads it (`512M`, `2G`, `1.5Gi`, `4GiB`). */
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*[KMGTPkmgtp]?[iI]?[bB]?\\s*$';
/** A duration as parseDuration reads it: seconds, or `90s`, `30m`, `2h`, `1d`, `1h30m`. */
export const DURATION_PATTERN = '^\\s*(\\d+|(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?)\\s*$';

/** An integer within [min, max], or a text of at most 32 characters matching `pattern` (a size, a duration). */
export const intOrText = (min: number, max: number, pattern: string, description: string) =>
  jsonSchemaField<number | string>({
    type: ['integer', 'string'],
    minimum: min,
    maximum: max,
    maxLength: 32,
    pattern,
    description,
  });

/** A byte size: an integer within [min, max], or a size text. */
export const sizeField = (min: number, max: number, description: string) =>
  intOrText(min, max, SIZE_PATTERN, description);

const SPEC_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/;
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const GPU_MODEL = /^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$/;
const PARTITION = /^[A-Za-z0-9._+@-]{1,64}$/;
/** An absolute, normalised path: `/`, or `/`-separated segments that are neither empty, `.` nor `..`, no NUL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what it refuses
const ABSOLUTE_PATH = /^(\/|(\/(?!\.{1,2}(\/|$))[^/\u0000]+)+)$/;

const noNul = (max?: number) => {
  const s = z.string().regex(new RegExp(NO_NUL));
  return max === undefined ? s : s.max(max);
};

const resources = z
  .strictObject({
    cores: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .describe('Whole logical CPUs, pinned NUMA-aware and exclusive (give cores or millicores, not both)')
      .optional(),
    millicores: z
      .number()
      .int()
      .min(1)
      .max(4_096_000)
      .describe('A share of CPU time in thousandths of a core, a hard cap, not pinned (default 1000)')
      .optional(),
    memory: sizeField(
      MIN_MEMORY,
      Number.MAX_SAFE_INTEGER,
      `Hard memory limit: bytes or a size such as 512M or 2G, at least 4M (default ${DEFAULT_MEMORY_PER_CORE / 2 ** 20}M per core)`,
    ).optional(),
    gpus: jsonSchemaField<number | { count?: number; model?: string }>({
      type: ['integer', 'object'],
      minimum: 0,
      maximum: 64,
      properties: {
        count: { type: 'integer', minimum: 0, maximum: 64 },
        model: { type: 'string', pattern: GPU_MODEL.source },
      },
      additionalProperties: false,
      description: 'A GPU count 0–64, or {count, model}',
    }).optional(),
    gpuModel: z
      .string()
      .regex(GPU_MODEL)
      .describe('The GPU model the GPUs must be (substring, case-insensitive); needs gpus ≥ 1')
      .optional(),
    pids: z
      .number()
      .int()
      .min(1)
      .max(4_194_304)
      .describe('Most processes and threads alive at once')
      .optional(),
    disk: sizeField(
      MIN_DISK,
      MAX_DISK,
      'A size limit on the session’s own working directory (4M–1P; agents only, not with cwd)',
    ).optional(),
  })
  .describe('What the session may use');

const target = jsonSchemaField<
  'agents' | 'slurm' | { kind: 'agents' } | { kind: 'slurm'; partition?: string }
>({
  type: ['string', 'object'],
  pattern: '^(agents|slurm)$',
  properties: {
    kind: { enum: ['agents', 'slurm'] },
    partition: { type: 'string', pattern: PARTITION.source },
  },
  required: ['kind'],
  additionalProperties: false,
  description: 'Where it runs: "agents" (Omega’s own, the default), "slurm", or {kind: "slurm", partition}',
});

/** The body of POST /sessions: a session spec (fields in the order parseSessionSpec checks them, so errors come in that order). */
export const sessionSpecBody = z.strictObject({
  command: noNul(4096)
    .min(1)
    .describe('The program, a name on PATH or a path (give command with args, or script)')
    .optional(),
  args: z.array(noNul()).max(4000).describe('Its arguments').optional(),
  script: noNul().min(1).describe('A shell script, instead of command and args').optional(),
  resources: resources.optional(),
  nodeSelector: jsonSchemaField<string | Record<string, string> | null>({
    type: ['string', 'object', 'null'],
    additionalProperties: { type: 'string' },
    description: `Label selector "k=v,k!=v,k,!k" (at most ${MAX_SELECTOR} characters) or an object of k: v; every term must hold`,
  }).optional(),
  env: jsonSchemaField<Record<string, string>>({
    type: 'object',
    patternProperties: { [ENV_NAME]: { type: 'string', pattern: NO_NUL } },
    additionalProperties: false,
    maxProperties: 4000,
    description: `The whole environment (nothing is inherited); command, arguments, script and environment take at most ${MAX_ARGV_ENV_BYTES} bytes`,
  }).optional(),
  target: target.optional(),
  name: z
    .string()
    .regex(SPEC_NAME)
    .describe('1–64 of letters, digits, space . _ : - (default: the command’s file name)')
    .optional(),
  cwd: z
    .string()
    .max(4096)
    .regex(ABSOLUTE_PATH)
    .describe('Working directory: an absolute, normalised path (default: a fresh one of its own)')
    .optional(),
  priority: z
    .number()
    .int()
    .min(-1000)
    .max(1000)
    .describe('Higher starts first (default 0); equal priorities start oldest first')
    .optional(),
  timeLimit: jsonSchemaField<number | string>({
    type: ['number', 'string'],
    exclusiveMinimum: 0,
    maximum: MAX_TIME_LIMIT_SEC,
    maxLength: 32,
    pattern: DURATION_PATTERN,
    description: 'Seconds, or a duration such as 90s, 30m, 2h, 1d, 1h30m',
  }).optional(),
  placement: z.enum(['binpack', 'spread']).describe('Default: the plugin’s setting (binpack)').optional(),
  enforcement: z
    .enum(['required', 'best-effort'])
    .describe(
      'required (default): only nodes that enforce every limit; best-effort: run and say what was not',
    )
    .optional(),
});
