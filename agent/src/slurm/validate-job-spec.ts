import { posix } from 'node:path';
import type { SlurmJobSpec } from './slurm-driver.js';
import { slurmError } from './slurm-error.js';

/** A spec that passed validation, with defaults filled in. */
export interface ValidJobSpec {
  command: string | null;
  args: string[];
  script: string | null;
  env: Record<string, string>;
  cwd: string;
  cores: number;
  memoryMiB: number | null;
  gpus: number | null;
  timeLimitMinutes: number | null;
  name: string;
  partition: string | null;
}

/** The job's PATH when the spec gives none. */
export const DEFAULT_JOB_PATH = '/usr/local/bin:/usr/bin:/bin';
/** Limits on what one spec may carry (Slurm's own default max_script_size is 4 MB). */
export const SPEC_LIMITS = {
  scriptBytes: 1024 * 1024,
  argCount: 4096,
  envCount: 1024,
  envBytes: 1024 * 1024,
  valueBytes: 128 * 1024,
} as const;

const KEYS = new Set([
  'command',
  'args',
  'script',
  'env',
  'cwd',
  'cores',
  'memoryMiB',
  'gpus',
  'timeLimitMinutes',
  'name',
  'partition',
]);
/** Prefixes Slurm's commands read as their own options or set themselves. */
const RESERVED_ENV = /^(SLURM_|SBATCH_|SALLOC_|SRUN_|SPANK_)/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._+@-]{0,127}$/;
/** Partition names as Slurm accepts them, without anything a shell or a host list would read. */
export const PARTITION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks a job spec from an untrusted caller: known keys only, exactly one of command and
 * script, bounded sizes, no NUL anywhere, whole positive numbers, a clean absolute cwd,
 * names from a safe alphabet, and no environment variable Slurm's tools would read as an
 * option. Every refusal is OMEGA_ERR_VALIDATION naming the field.
 */
export function validateJobSpec(input: unknown, defaultPartition: string | null): ValidJobSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid('spec', 'must be an object');
  const spec = input as SlurmJobSpec & Record<string, unknown>;
  for (const key of Object.keys(spec)) if (!KEYS.has(key)) throw invalid(key, 'is not a job spec field');
  const hasCommand = spec.command !== undefined;
  const hasScript = spec.script !== undefined;
  if (hasCommand === hasScript) throw invalid('command', 'give exactly one of command and script');
  let command: string | null = null;
  let args: string[] = [];
  let script: string | null = null;
  if (hasCommand) {
    command = text(spec.command, 'command', 4096);
    if (command === '') throw invalid('command', 'must not be empty');
    if (spec.args !== undefined) {
      if (!Array.isArray(spec.args) || spec.args.length > SPEC_LIMITS.argCount) {
        throw invalid('args', `must be a list of at most ${SPEC_LIMITS.argCount} strings`);
      }
      args = spec.args.map((a, i) => text(a, `args[${i}]`, SPEC_LIMITS.valueBytes));
    }
  } else {
    if (spec.args !== undefined) throw invalid('args', 'only goes with command');
    script = text(spec.script, 'script', SPEC_LIMITS.scriptBytes);
    if (!script.startsWith('#!')) throw invalid('script', 'must start with #! (an interpreter line)');
  }
  return {
    command,
    args,
    script,
    env: validateEnv(spec.env),
    cwd: absolutePath(spec.cwd, 'cwd'),
    cores: wholeNumber(spec.cores, 'cores', 1, 100_000) ?? 1,
    memoryMiB: wholeNumber(spec.memoryMiB, 'memoryMiB', 1, 2 ** 40),
    gpus: wholeNumber(spec.gpus, 'gpus', 0, 1024) || null,
    timeLimitMinutes: wholeNumber(spec.timeLimitMinutes, 'timeLimitMinutes', 1, 10 * 366 * 24 * 60),
    name: spec.name === undefined ? 'omega' : pattern(spec.name, 'name', NAME),
    partition:
      spec.partition === undefined ? defaultPartition : pattern(spec.partition, 'partition', PARTITION_NAME),
  };
}

/** An absolute, normalised path without NUL, newline, backslash or `%` (Slurm expands `%` and `\`). */
export function absolutePath(value: unknown, field: string): string {
  const p = text(value, field, 4096);
  if (!posix.isAbsolute(p)) throw invalid(field, 'must be an absolute path');
  if (/[\n\r\\%]/.test(p)) throw invalid(field, 'must not contain a newline, backslash or %');
  return posix.normalize(p);
}

function validateEnv(value: unknown): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_JOB_PATH };
  if (value === undefined) return env;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('env', 'must be an object');
  const entries = Object.entries(value);
  if (entries.length > SPEC_LIMITS.envCount)
    throw invalid('env', `at most ${SPEC_LIMITS.envCount} variables`);
  let bytes = 0;
  for (const [k, v] of entries) {
    if (!ENV_KEY.test(k)) throw invalid(`env.${k.slice(0, 64)}`, 'is not a valid variable name');
    if (RESERVED_ENV.test(k))
      throw invalid(`env.${k}`, 'SLURM_, SBATCH_, SALLOC_, SRUN_ and SPANK_ variables are reserved');
    env[k] = text(v, `env.${k}`, SPEC_LIMITS.valueBytes);
    bytes += Buffer.byteLength(k) + Buffer.byteLength(env[k]) + 2;
  }
  if (bytes > SPEC_LIMITS.envBytes) throw invalid('env', `more than ${SPEC_LIMITS.envBytes} bytes in all`);
  return env;
}

function text(value: unknown, field: string, maxBytes: number): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (value.includes('\0')) throw invalid(field, 'must not contain a NUL byte');
  if (Buffer.byteLength(value) > maxBytes) throw invalid(field, `must be at most ${maxBytes} bytes`);
  return value;
}

function pattern(value: unknown, field: string, re: RegExp): string {
  if (typeof value !== 'string' || !re.test(value)) throw invalid(field, `must match ${re.source}`);
  return value;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function invalid(field: string, why: string) {
  return slurmError('OMEGA_ERR_VALIDATION', `Job spec field "${field}" ${why}.`, { field });
}
