import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { agentError } from '../errors/index.js';
import { type AgentConfig, type AgentConfigInput, agentConfigSchema } from './agent-config-schema.js';
import { certSha256OfToken } from './cert-sha256.js';

type Plain = Record<string, unknown>;

/** Environment variables the agent reads, the config field each sets, and how it is parsed. */
export const AGENT_ENV: Record<string, { path: string[]; type: 'string' | 'int' | 'bool' | 'list' }> = {
  OMEGA_AGENT_SERVER: { path: ['server'], type: 'string' },
  OMEGA_AGENT_JOIN_TOKEN: { path: ['joinToken'], type: 'string' },
  OMEGA_AGENT_JOIN_TOKEN_FILE: { path: ['joinTokenFile'], type: 'string' },
  OMEGA_AGENT_CERT_SHA256: { path: ['certSha256'], type: 'string' },
  OMEGA_AGENT_NAME: { path: ['name'], type: 'string' },
  OMEGA_AGENT_DATA_DIR: { path: ['dataDir'], type: 'string' },
  OMEGA_AGENT_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
  OMEGA_AGENT_DISCOVERY: { path: ['discovery', 'enabled'], type: 'bool' },
  OMEGA_AGENT_DISCOVERY_INTERFACES: { path: ['discovery', 'interfaces'], type: 'list' },
  OMEGA_AGENT_DISCOVERY_PORT: { path: ['discovery', 'port'], type: 'int' },
};

/** Flags as the CLI parsed them (node:util parseArgs values). */
export interface AgentFlags {
  server?: string;
  'join-token'?: string;
  'join-token-file'?: string;
  'cert-sha256'?: string;
  name?: string;
  'data-dir'?: string;
  'log-level'?: string;
  'discovery-interface'?: string[];
  'discovery-port'?: string;
  'no-discovery'?: boolean;
}

const FLAG_FIELDS: Array<[keyof AgentFlags, string[]]> = [
  ['server', ['server']],
  ['join-token', ['joinToken']],
  ['join-token-file', ['joinTokenFile']],
  ['cert-sha256', ['certSha256']],
  ['name', ['name']],
  ['data-dir', ['dataDir']],
  ['log-level', ['log', 'level']],
  ['discovery-interface', ['discovery', 'interfaces']],
  ['discovery-port', ['discovery', 'port']],
  ['no-discovery', ['discovery', 'enabled']],
];

function setPath(target: Plain, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {};
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

const invalid = (field: string, source: string, message: string) =>
  agentError('OMEGA_ERR_AGENT_CONFIG', `${field} (${source}): ${message}`, { field, source });

function fromEnv(env: NodeJS.ProcessEnv, sources: Map<string, string>): Plain {
  const out: Plain = {};
  for (const [name, { path, type }] of Object.entries(AGENT_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (type === 'int') {
      value = Number(raw);
      if (!Number.isInteger(value))
        throw invalid(path.join('.'), name, `expected a whole number, got "${raw}"`);
    } else if (type === 'bool') {
      if (!/^(1|0|true|false|on|off|yes|no)$/i.test(raw)) {
        throw invalid(path.join('.'), name, `expected on or off, got "${raw}"`);
      }
      value = /^(1|true|on|yes)$/i.test(raw);
    } else if (type === 'list') {
      value = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    }
    setPath(out, path, value);
    sources.set(path.join('.'), name);
  }
  return out;
}

function fromFlags(flags: AgentFlags, sources: Map<string, string>): Plain {
  const out: Plain = {};
  for (const [flag, path] of FLAG_FIELDS) {
    const raw = flags[flag];
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (flag === 'discovery-port') {
      value = Number(raw);
      if (!Number.isInteger(value))
        throw invalid(path.join('.'), `--${flag}`, `expected a whole number, got "${raw}"`);
    } else if (flag === 'no-discovery') {
      if (raw !== true) continue;
      value = false;
    }
    setPath(out, path, value);
    sources.set(path.join('.'), `--${flag}`);
  }
  return out;
}

function readConfigFile(file: string, sources: Map<string, string>): Plain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid('config', file, `cannot read the config file: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalid('config', file, `not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('config', file, 'must be a JSON object');
  }
  const mark = (obj: Plain, prefix: string[]) => {
    for (const [k, v] of Object.entries(obj)) {
      const path = [...prefix, k];
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) mark(v as Plain, path);
      sources.set(path.join('.'), file);
    }
  };
  mark(parsed as Plain, []);
  return parsed as Plain;
}

/** The default data directory: /var/lib/omega-agent for root, ~/.omega-agent for anyone else. */
export function defaultAgentDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/omega-agent' : join(homedir(), '.omega-agent');
}

/** Sources of configuration, lowest precedence first. */
export interface AgentConfigSources {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: AgentFlags;
}

/**
 * Loads the agent's configuration from its file, then OMEGA_AGENT_* variables, then flags, each
 * overriding the last. A bad value throws OMEGA_ERR_AGENT_CONFIG naming the field and where it
 * came from (the flag, the variable or the file). Paths resolve from the working directory; a
 * join token file is read here so the rest of the agent sees only `joinToken`.
 */
export function loadAgentConfig(sources: AgentConfigSources = {}): AgentConfig {
  const origin = new Map<string, string>();
  let merged: Plain = {};
  const file = sources.file ?? sources.env?.OMEGA_AGENT_CONFIG;
  if (file) merged = deepMerge(merged, readConfigFile(file, origin));
  merged = deepMerge(merged, fromEnv(sources.env ?? {}, origin));
  merged = deepMerge(merged, fromFlags(sources.flags ?? {}, origin));
  if (merged.dataDir === undefined) merged.dataDir = defaultAgentDataDir();
  const input = merged as AgentConfigInput;
  const result = agentConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : '(root)';
    const from = origin.get(issue.path.join('.')) ?? origin.get(String(issue.path[0])) ?? 'config';
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
    throw invalid(field, from, `${issue.message}${more}`);
  }
  const config = result.data;
  config.dataDir = resolve(config.dataDir);
  if (config.joinTokenFile) {
    if (config.joinToken)
      throw invalid(
        'joinTokenFile',
        origin.get('joinTokenFile') ?? 'config',
        'give a join token or a token file, not both',
      );
    let token: string;
    try {
      token = readFileSync(resolve(config.joinTokenFile), 'utf8').trim();
    } catch (err) {
      throw invalid(
        'joinTokenFile',
        origin.get('joinTokenFile') ?? 'config',
        `cannot read it: ${(err as Error).message}`,
      );
    }
    const checked = agentConfigSchema.shape.joinToken.safeParse(token);
    if (!checked.success || !token) {
      throw invalid(
        'joinTokenFile',
        origin.get('joinTokenFile') ?? 'config',
        'the file does not hold a join token',
      );
    }
    config.joinToken = token;
  }
  const tokenPin = config.joinToken ? certSha256OfToken(config.joinToken) : undefined;
  if (tokenPin && config.certSha256 && tokenPin !== config.certSha256) {
    throw invalid(
      'certSha256',
      origin.get('certSha256') ?? 'config',
      'differs from the certificate hash the join token carries; give one or make them agree',
    );
  }
  if (tokenPin) config.certSha256 = tokenPin;
  if (config.joinToken && !config.server) {
    throw invalid(
      'server',
      origin.get('joinToken') ?? 'config',
      'a join token needs the server it is for (--server URL)',
    );
  }
  config.name ??= sanitizeHostname(hostname());
  return config;
}

/** A node name from a hostname (first label, characters a name may hold). */
function sanitizeHostname(host: string): string {
  const label = host
    .split('.')[0]!
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return (label || 'node').slice(0, 63);
}
