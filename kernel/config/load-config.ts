import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { omegaError } from '../errors/index.js';
import { configSchema, type KernelConfig, type KernelConfigInput } from './schema.js';

/** Environment variables the kernel reads, and the config field each one sets. */
export const CONFIG_ENV: Record<string, { path: string[]; type: 'string' | 'int' }> = {
  OMEGA_HOST: { path: ['host'], type: 'string' },
  OMEGA_PORT: { path: ['port'], type: 'int' },
  OMEGA_DATA_DIR: { path: ['dataDir'], type: 'string' },
  OMEGA_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
  OMEGA_ADMIN_TOKEN: { path: ['auth', 'adminToken'], type: 'string' },
  OMEGA_TLS_CERT: { path: ['tls', 'cert'], type: 'string' },
  OMEGA_TLS_KEY: { path: ['tls', 'key'], type: 'string' },
  OMEGA_BODY_LIMIT_BYTES: { path: ['http', 'bodyLimitBytes'], type: 'int' },
  OMEGA_UI_PUBLIC_ORIGIN: { path: ['ui', 'publicOrigin'], type: 'string' },
  OMEGA_UI_PANEL_ORIGIN: { path: ['ui', 'panelOrigin'], type: 'string' },
};

type Plain = Record<string, unknown>;

function setPath(target: Plain, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null ? next : {};
    node = node[key] as Plain;
  }
  node[path.at(-1)!] = value;
}

function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null
        ? deepMerge(b as Plain, v as Plain)
        : v;
  }
  return out;
}

function fromEnv(env: NodeJS.ProcessEnv): Plain {
  const out: Plain = {};
  for (const [name, { path, type }] of Object.entries(CONFIG_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = type === 'int' ? Number(raw) : raw;
    if (type === 'int' && !Number.isInteger(value)) {
      throw omegaError('OMEGA_ERR_CONFIG_INVALID', `${name}: expected a whole number, got "${raw}".`, {
        field: name,
      });
    }
    setPath(out, path, value);
  }
  return out;
}

function readConfigFile(file: string): Plain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw omegaError(
      'OMEGA_ERR_CONFIG_INVALID',
      `Cannot read config file ${file}: ${(err as Error).message}.`,
      {
        file,
      },
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Plain;
  } catch (err) {
    throw omegaError(
      'OMEGA_ERR_CONFIG_INVALID',
      `Config file ${file} is not a JSON object: ${(err as Error).message}.`,
      {
        file,
      },
    );
  }
}

/** Formats zod issues as `field.path: message` lines that name the bad field. */
export function describeIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Validates a config object, throwing OMEGA_ERR_CONFIG_INVALID that names every bad field. */
export function parseConfig(input: unknown, source = 'config'): KernelConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const errors = describeIssues(result.error.issues);
    throw omegaError('OMEGA_ERR_CONFIG_INVALID', `Invalid ${source}: ${errors.join('; ')}`, { errors });
  }
  return result.data;
}

/** Sources of configuration, lowest precedence first. */
export interface ConfigSources {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: KernelConfigInput;
}

/** Loads config from file, then env, then flags; relative dataDir/tls paths resolve from the cwd. */
export function loadConfig(sources: ConfigSources = {}): KernelConfig {
  let merged: Plain = {};
  if (sources.file) merged = deepMerge(merged, readConfigFile(sources.file));
  merged = deepMerge(merged, fromEnv(sources.env ?? {}));
  merged = deepMerge(merged, (sources.flags ?? {}) as Plain);
  const config = parseConfig(
    merged,
    sources.file ? `config (${sources.file}, env, flags)` : 'config (env, flags)',
  );
  config.dataDir = resolve(config.dataDir);
  // A file there (or on the way there: ENOTDIR, EACCES) would fail later as a bare "EEXIST: file
  // already exists, mkdir" or "ENOTDIR"; name the field now.
  const notADir = (why: string) =>
    omegaError('OMEGA_ERR_CONFIG_INVALID', `dataDir: ${config.dataDir} ${why}.`, {
      errors: [{ field: 'dataDir', message: 'must be a directory (or not exist yet)' }],
    });
  let found: ReturnType<typeof statSync>;
  try {
    found = statSync(config.dataDir, { throwIfNoEntry: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw notADir(code === 'ENOTDIR' ? 'lies under a file, not a directory' : `cannot be reached (${code})`);
  }
  if (found?.isDirectory() === false) throw notADir('is a file, not a directory');
  if (config.tls) config.tls = { cert: resolve(config.tls.cert), key: resolve(config.tls.key) };
  if (config.plugins.dirs) config.plugins.dirs = config.plugins.dirs.map((d) => resolve(d));
  if (config.plugins.installedDir) config.plugins.installedDir = resolve(config.plugins.installedDir);
  if (config.plugins.grantsFile) config.plugins.grantsFile = resolve(config.plugins.grantsFile);
  return config;
}
