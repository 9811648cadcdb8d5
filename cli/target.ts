import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { adminTokenPath } from '../kernel/index.js';
import { apiPathProblem } from './api-path-problem.js';
import { type CliContext, ignoredLoginCommand, readCliConfig } from './config/cli-config.js';

/** The kernel the CLI talks to, and where its URL and credential came from. */
export interface CliTarget {
  url: string;
  /** The context (`omega login`) whose URL this is, when there is one. */
  context?: { name: string; value: CliContext };
  /**
   * The bearer token to send, and its source (`session` ones can be refreshed); `variable` names
   * the environment variable an `env` one came from.
   */
  credential?: {
    source: 'flag' | 'env' | 'context' | 'file';
    token: string;
    variable?: 'OMEGA_TOKEN' | 'OMEGA_ADMIN_TOKEN';
  };
}

/** Usage errors of target resolution: one line that names the fix. */
export class TargetError extends Error {}

const trim = (u: string): string => u.replace(/\/+$/, '');

/** True for a URL whose host is this machine (the only place a local token file is meant for). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

function contextToken(ctx: CliContext | undefined): string | undefined {
  if (!ctx?.auth) return undefined;
  return ctx.auth.kind === 'token' ? ctx.auth.token : ctx.auth.accessToken;
}

/**
 * Which kernel, with which credential: `--context`, else `--url` (or $OMEGA_URL), else the
 * current context (`omega context use`), else http://127.0.0.1:7700. A URL not from `--context`
 * takes the credential of the current context when that has the URL, else of the one context
 * that has it (several, none current: refused, naming them). The token: `--token`, then
 * $OMEGA_TOKEN / $OMEGA_ADMIN_TOKEN when the URL is not a context's (`--url`, $OMEGA_URL or the
 * local default: a context chosen with --context or `omega context use` goes with its own
 * credential — one kernel's admin token exported in a shell went to another), then the context's
 * (from `omega login`), then — for a kernel on this machine only — `<data-dir>/admin-token`.
 * Refuses to send any token in clear text to another host.
 */
export function resolveTarget(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): CliTarget {
  const config = readCliConfig();
  let url: string;
  // Which setting the URL came from, for the message when it is no URL.
  let urlFrom = '--url';
  /** The URL is a context's (named, or the current one): its credential goes with it. */
  let contextUrl = typeof values.context === 'string';
  let context: CliTarget['context'];
  /** The contexts that all have the URL, when none of them is current (which one's credential?). */
  let ambiguous: string[] | undefined;
  if (typeof values.context === 'string') {
    const value = config.contexts[values.context];
    if (!value)
      throw new TargetError(
        config.ignored && Object.hasOwn(config.ignored.contexts, values.context)
          ? `context ${JSON.stringify(values.context)} is ignored (its name is not valid any more); sign in again with ${ignoredLoginCommand(config.ignored.contexts[values.context])}`
          : `no context "${values.context}"; run omega context list, or omega login --url URL --context ${values.context}`,
      );
    url = trim(value.url);
    urlFrom = `the URL of context "${values.context}"`;
    context = { name: values.context, value };
  } else {
    const explicit = typeof values.url === 'string' ? values.url : env.OMEGA_URL || undefined;
    // The current context ignored: the default local kernel is not what the user chose (a
    // `nodes drain` meant for prod must not reach whatever answers on 127.0.0.1).
    const ignoredCurrent = config.current === undefined ? config.ignored?.current : undefined;
    if (explicit === undefined && ignoredCurrent !== undefined)
      throw new TargetError(
        `the current context ${JSON.stringify(ignoredCurrent)} is ignored (its name is not valid any more); choose another with omega context use NAME, or sign in again with ${ignoredLoginCommand(config.ignored?.contexts[ignoredCurrent])}, or pass --context / --url`,
      );
    const current = config.current ? config.contexts[config.current] : undefined;
    url = trim(explicit ?? current?.url ?? `http://127.0.0.1:${env.OMEGA_PORT ?? 7700}`);
    contextUrl = explicit === undefined && current !== undefined;
    if (typeof values.url !== 'string')
      urlFrom = env.OMEGA_URL
        ? '$OMEGA_URL'
        : current
          ? `the URL of the current context "${config.current}"`
          : '$OMEGA_PORT';
    // Walk: with a session and an API token context for one kernel, the first of them in the file
    // was used whichever was current (`context use ci` then ran as the admin session).
    if (current && config.current && trim(current.url) === url)
      context = { name: config.current, value: current };
    else {
      const matches = Object.entries(config.contexts).filter(([, c]) => trim(c.url) === url);
      if (matches.length === 1) context = { name: matches[0]![0], value: matches[0]![1] };
      else if (matches.length > 1) ambiguous = matches.map(([name]) => name);
    }
  }
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new TargetError(
      urlFrom === '$OMEGA_PORT'
        ? `$OMEGA_PORT must be a port number (got ${env.OMEGA_PORT})`
        : `${urlFrom} must be an http(s) URL such as https://omega.example:7700 (got ${url})`,
    );
  const apiPath = apiPathProblem(url, urlFrom);
  if (apiPath) throw new TargetError(apiPath);

  let credential: CliTarget['credential'];
  const variable = env.OMEGA_TOKEN ? 'OMEGA_TOKEN' : env.OMEGA_ADMIN_TOKEN ? 'OMEGA_ADMIN_TOKEN' : undefined;
  const fromContext = contextToken(context?.value);
  if (values.token === '')
    credential = undefined; // --token '': send no credential at all
  else if (typeof values.token === 'string') credential = { source: 'flag', token: values.token };
  else if (variable && !contextUrl) credential = { source: 'env', token: env[variable] as string, variable };
  else if (ambiguous)
    throw new TargetError(
      `contexts ${ambiguous.join(', ')} all have the URL ${url} and none is current: choose one with --context NAME or omega context use NAME`,
    );
  else if (fromContext) credential = { source: 'context', token: fromContext };
  else if (isLoopbackUrl(url)) {
    const file = adminTokenPath(resolve(String(values['data-dir'] ?? env.OMEGA_DATA_DIR ?? './data')));
    if (existsSync(file)) credential = { source: 'file', token: readFileSync(file, 'utf8').trim() };
  }
  if (credential && !isLoopbackUrl(url) && url.startsWith('http:'))
    throw new TargetError(`refusing to send a token over plain http to ${new URL(url).host}; use https`);
  return { url, ...(context ? { context } : {}), ...(credential ? { credential } : {}) };
}

/** The kernel URL the CLI talks to (see {@link resolveTarget}). */
export function resolveCliUrl(values: Record<string, unknown>): string {
  return resolveTarget(values).url;
}

/** The token the CLI sends (see {@link resolveTarget}); a session's may need a refresh (callApi does it). */
export function resolveCliToken(values: Record<string, unknown>): string | undefined {
  return resolveTarget(values).credential?.token;
}
