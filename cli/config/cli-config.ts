import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../kernel/index.js';
import { readUserFileSync } from '../read-user-file.js';
import { terminalSafe } from '../terminal-safe.js';

const session = z.object({
  kind: z.literal('session'),
  username: z.string(),
  accessToken: z.string(),
  /** Epoch ms when the access token expires. */
  accessExpiresAt: z.number(),
  refreshToken: z.string(),
});
const apiToken = z.object({
  kind: z.literal('token'),
  token: z.string(),
  /** Whose it is, as the kernel said at login: a user's name, or the kernel's own admin token. */
  user: z.string().optional(),
  admin: z.literal(true).optional(),
});

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
export type CliConfig = z.output<typeof configSchema> & {
  /**
   * The file's contexts whose names this CLI refuses (an older one wrote them, e.g. `[::1]:7700`),
   * and `current` when it named one of them: never used, but written back as they were.
   */
  ignored?: { contexts: Record<string, unknown>; current?: string };
};

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
    // A directory or an unreadable file is not "invalid JSON": say what it is.
    text = readUserFileSync(path, 'a readable file as $OMEGA_CONFIG (the CLI config)');
  } catch (err) {
    // Not a usage error (exit 2): the command line was fine, the config it found is not.
    throw new Error((err as Error).message, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; fix or delete it (omega login recreates it)`);
  }
  const { kept, ignored } = splitContexts(doc);
  const parsed = configSchema.safeParse(kept);
  if (!parsed.success)
    throw new Error(
      `${path} is not an omega CLI config (${parsed.error.issues[0]?.message}); fix or delete it`,
    );
  // Looked up by names users type: `toString` or `constructor` must not find Object's own.
  const config: CliConfig = {
    ...parsed.data,
    contexts: Object.assign(Object.create(null), parsed.data.contexts),
  };
  if (!ignored) return config;
  warnIgnored(path, ignored.contexts);
  if (config.current !== undefined && Object.hasOwn(ignored.contexts, config.current)) {
    ignored.current = config.current; // an ignored current context counts as none
    delete config.current;
  }
  return { ...config, ignored };
}

/**
 * `doc` without the contexts whose names this CLI refuses, and those apart (raw): a name an older
 * CLI allowed (`[::1]:7700`) made every command fail on reading the file.
 */
function splitContexts(doc: unknown): { kept: unknown; ignored?: NonNullable<CliConfig['ignored']> } {
  const contexts = (doc as { contexts?: unknown } | null)?.contexts;
  if (typeof contexts !== 'object' || contexts === null || Array.isArray(contexts)) return { kept: doc };
  const good: Record<string, unknown> = Object.create(null);
  const bad: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(contexts)) {
    if (contextNameProblem(name) === undefined) good[name] = value;
    else bad[name] = value;
  }
  if (Object.keys(bad).length === 0) return { kept: doc };
  return { kept: { ...(doc as object), contexts: good }, ignored: { contexts: bad } };
}

/** Config files already warned about in this process: a command reads its config more than once. */
const warned = new Set<string>();

/** One line on stderr naming the ignored contexts and what to do about them (once per file). */
function warnIgnored(path: string, contexts: Record<string, unknown>): void {
  if (warned.has(path)) return;
  warned.add(path);
  // JSON-quoted: a name with a newline stays on this one line. Never cut: the user types it back.
  const names = Object.keys(contexts).map((n) => JSON.stringify(n));
  const login = ignoredLoginCommand(names.length === 1 ? Object.values(contexts)[0] : undefined);
  const what =
    names.length === 1
      ? `context ${names[0]} in ${path}: its name is not valid any more (1–64 letters, digits or ._:@-); sign in again with ${login}, then omega logout --context ${names[0]} and omega context delete ${names[0]}`
      : `contexts ${names.join(', ')} in ${path}: their names are not valid any more (1–64 letters, digits or ._:@-); sign in to each again with ${login}, then omega logout --context OLD and omega context delete OLD for each old name`;
  process.stderr.write(terminalSafe(`omega: warning: ignoring ${what}\n`));
}

/** The ignored context `name` (an older CLI's name), when the file has it and it is a valid context otherwise. */
export function ignoredContext(config: CliConfig, name: string): CliContext | undefined {
  if (!config.ignored || !Object.hasOwn(config.ignored.contexts, name)) return undefined;
  const parsed = contextSchema.safeParse(config.ignored.contexts[name]);
  return parsed.success ? parsed.data : undefined;
}

/** How to sign in again to an ignored context (its raw value): `omega login --url ORIGIN --context NAME`. */
export function ignoredLoginCommand(raw: unknown): string {
  const url = (raw as { url?: unknown } | null | undefined)?.url;
  return typeof url === 'string' && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)
    ? `omega login --url ${new URL(url).origin} --context NAME`
    : 'omega login --url URL --context NAME';
}

/** Why `name` cannot name a context (`flag`: how the user gave it), or undefined when it can. */
export function contextNameProblem(name: string, flag = '--context'): string | undefined {
  return CONTEXT_NAME.test(name) && name !== '__proto__'
    ? undefined
    : `${flag} must be 1–64 letters, digits or ._:@- (got "${name.slice(0, 80)}")`;
}

/**
 * Writes the config atomically, readable by its owner only (0600, its folder 0700): it holds
 * credentials. A context name this CLI refuses is never added through `config.contexts` (writing
 * fails: one bad name made every later command fail, `context delete` included); the contexts it
 * read and ignored (`config.ignored`, an older CLI's names) are written back as they are.
 */
export async function writeCliConfig(config: CliConfig, path = cliConfigPath()): Promise<void> {
  const checked = configSchema.safeParse(config);
  if (!checked.success)
    throw new Error(`not saving the CLI config: ${checked.error.issues[0]?.message ?? 'invalid'}`);
  // The contexts this CLI ignores go back as they were: the user's, not this CLI's to drop.
  const { ignored } = config;
  const doc = ignored
    ? {
        ...checked.data,
        ...(checked.data.current === undefined && ignored.current !== undefined
          ? { current: ignored.current }
          : {}),
        contexts: Object.assign(Object.create(null), ignored.contexts, checked.data.contexts),
      }
    : checked.data;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** A context name for a URL: its host (an IPv6 address without its brackets) and port. */
export function contextNameFor(url: string): string {
  const u = new URL(url);
  return `${u.hostname.replace(/^\[|\]$/g, '')}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}
