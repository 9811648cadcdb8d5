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

const configSchema = z.object({
  version: z.literal(1),
  current: z.string().optional(),
  contexts: z.record(z.string().regex(/^[A-Za-z0-9._:@-]{1,64}$/), contextSchema),
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
  return parsed.data;
}

/** Writes the config atomically, readable by its owner only (0600, its folder 0700): it holds credentials. */
export async function writeCliConfig(config: CliConfig, path = cliConfigPath()): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** A context name for a URL: its host and port. */
export function contextNameFor(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}
