import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../kernel/index.js';

const session = z.object({
  kind: z.literal('session'),
  username: z.string(),
  accessToken: z.string(),
  /** Epoch ms when the access token expires. */
  accessExpiresAt: z.number(),
  refreshToken: z.string(),
});
const apiToken = z.object({ kind: z.literal('token'), token: z.string() });

/** One kernel the CLI knows, like a kubectl context. */
export const contextSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  auth: z.discriminatedUnion('kind', [session, apiToken]).optional(),
});
export type CliContext = z.output<typeof contextSchema>;

/** What a context may be called: letters, digits and `._:@-`, 1–64 of them. */
const CONTEXT_NAME = /^[A-Za-z0-9._:@-]{1,64}$/;

const configSchema = z.object({
  version: z.literal(1),
  current: z.string().optional(),
  contexts: z.record(z.string().regex(CONTEXT_NAME), contextSchema),
});
export type CliConfig = z.output<typeof configSchema>;

/** Where the CLI keeps its contexts: $OMEGA_CONFIG, else $XDG_CONFIG_HOME/omega/config.json, else ~/.config/omega/config.json. */
export function cliConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OMEGA_CONFIG) return env.OMEGA_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'omega', 'config.json');
}

/** The CLI's config (an absent file: no contexts). A broken file is one clear error, never overwritten silently. */
export function readCliConfig(path = cliConfigPath()): CliConfig {
  if (!existsSync(path)) return { version: 1, contexts: {} };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // A directory or an unreadable file is not "invalid JSON": say what it is.
    const code = (err as NodeJS.ErrnoException).code;
    const fix =
      code === 'EISDIR'
        ? 'a directory); point $OMEGA_CONFIG at a file'
        : code === 'EACCES' || code === 'EPERM'
          ? `${code}: not readable by you); fix its permissions or point $OMEGA_CONFIG at another file`
          : `${code ?? 'unreadable'}); point $OMEGA_CONFIG at a readable file`;
    throw new Error(`cannot read the CLI config ${path} (${fix}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; fix or delete it (omega login recreates it)`);
  }
  const parsed = configSchema.safeParse(doc);
  if (!parsed.success)
    throw new Error(
      `${path} is not an omega CLI config (${parsed.error.issues[0]?.message}); fix or delete it`,
    );
  // Looked up by names users type: `toString` or `constructor` must not find Object's own.
  return { ...parsed.data, contexts: Object.assign(Object.create(null), parsed.data.contexts) };
}

/** Why `name` cannot name a context (`flag`: how the user gave it), or undefined when it can. */
export function contextNameProblem(name: string, flag = '--context'): string | undefined {
  return CONTEXT_NAME.test(name) && name !== '__proto__'
    ? undefined
    : `${flag} must be 1–64 letters, digits or ._:@- (got "${name.slice(0, 80)}")`;
}

/**
 * Writes the config atomically, readable by its owner only (0600, its folder 0700): it holds
 * credentials. A config the CLI could not read back (a context name it refuses) is never
 * written: one bad name made every later command fail, `context delete` included.
 */
export async function writeCliConfig(config: CliConfig, path = cliConfigPath()): Promise<void> {
  const checked = configSchema.safeParse(config);
  if (!checked.success)
    throw new Error(`not saving the CLI config: ${checked.error.issues[0]?.message ?? 'invalid'}`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** A context name for a URL: its host (an IPv6 address without its brackets) and port. */
export function contextNameFor(url: string): string {
  const u = new URL(url);
  return `${u.hostname.replace(/^\[|\]$/g, '')}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}
