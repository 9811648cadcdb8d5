import { apiPathProblem } from '../api-path-problem.js';
import { type Command, UsageError } from '../command.js';
import {
  contextNameFor,
  contextNameProblem,
  ignoredContext,
  readCliConfig,
  writeCliConfig,
} from '../config/cli-config.js';
import { kernelApi } from '../kernel-api.js';
import { output } from '../output.js';
import { readSecret } from '../read-secret.js';
import { isLoopbackUrl } from '../target.js';
import { noPasswordText } from './no-password-text.js';
import { revokeSession } from './revoke-session.js';
import { type TokenOwner, whoseToken } from './whose-token.js';

const str = (description: string) => ({ type: 'string' as const, description });

/**
 * `omega login --url URL`: signs in to a kernel (username and password, or an API token) and
 * keeps the credential for it as a context in the user's config (0600), so later commands
 * need neither --url nor --token; sessions are refreshed as they near expiry.
 */
export const loginCommand: Command = {
  name: 'login',
  summary: "Sign in to a kernel and keep the credential as a named context in the user's config (0600).",
  usage:
    'omega login --url URL [--context NAME] [--username USER [--password-stdin]] | [--token-stdin | --token omg_…] [--json]',
  options: {
    url: str('The kernel, e.g. https://omega.example:7700 (required)'),
    context: str('Name for this kernel (default: host:port)'),
    username: str('Sign in as this user (prompted for when missing and stdin is a terminal)'),
    'password-stdin': { type: 'boolean', description: 'Read the password from stdin instead of prompting' },
    token: str(
      "Use this API token (omg_…), or the kernel's admin token, instead of a password (seen by ps: prefer --token-stdin)",
    ),
    'token-stdin': {
      type: 'boolean',
      description: 'Read the API token (or admin token) from stdin, prompted for unechoed on a terminal',
    },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  noArguments: true,
  async run(values) {
    if (typeof values.url !== 'string')
      throw new UsageError('login needs --url, e.g. omega login --url https://omega.example:7700');
    const url = values.url.replace(/\/+$/, '');
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      throw new UsageError(`--url must be an http(s) URL (got ${url})`);
    const apiPath = apiPathProblem(url, '--url');
    if (apiPath) throw new UsageError(apiPath);
    if (url.startsWith('http:') && !isLoopbackUrl(url))
      throw new UsageError(`refusing to send credentials over plain http to ${new URL(url).host}; use https`);
    const named = typeof values.context === 'string' ? values.context : undefined;
    const name = named ?? contextNameFor(url);
    const badName = contextNameProblem(name);
    if (badName)
      throw new UsageError(
        named !== undefined
          ? badName
          : `the host of --url makes no context name (1–64 letters, digits or ._:@-); name one with --context NAME`,
      );
    let auth: NonNullable<ReturnType<typeof readCliConfig>['contexts'][string]['auth']>;
    let owner: TokenOwner;
    const byToken = typeof values.token === 'string' || values['token-stdin'] === true;
    if (byToken) {
      const beside = (['username', 'password-stdin'] as const).filter((f) => values[f] !== undefined);
      if (typeof values.token === 'string' && values['token-stdin'] === true)
        throw new UsageError('give the token one way: --token-stdin or --token, not both');
      if (beside.length > 0)
        throw new UsageError(
          `--${beside[0]} signs in with a password; with a token, leave it out (the token says whose it is)`,
        );
      const token =
        typeof values.token === 'string' ? values.token : (await readSecret('API token: ')).trim();
      if (!token)
        throw new UsageError(
          process.stdin.isTTY
            ? 'no token typed'
            : '--token-stdin read nothing: pipe the token in, e.g. < token-file',
        );
      owner = await whoseToken(url, token);
      auth = {
        kind: 'token',
        token,
        ...(owner.kind === 'admin' ? { admin: true } : owner.kind === 'user' ? { user: owner.name } : {}),
      };
    } else {
      let username = typeof values.username === 'string' ? values.username : undefined;
      if (username === undefined && process.stdin.isTTY) {
        process.stderr.write('Username: ');
        username = await readLine();
      }
      if (!username) throw new UsageError('login needs --username (or --token-stdin for an API token)');
      const password = await readSecret(values['password-stdin'] ? '' : 'Password: ');
      // Piped (or </dev/null), stdin is read whole: an empty one is no password, said as such.
      if (!password)
        throw new UsageError(noPasswordText(values['password-stdin'] === true, process.stdin.isTTY === true));
      const r = (await kernelApi({ url }).post('/api/v1/security/login', {
        body: { username, password },
        anonymous: true,
      })) as {
        accessToken: string;
        refreshToken: string;
        expiresIn: number;
      };
      auth = {
        kind: 'session',
        username,
        accessToken: r.accessToken,
        accessExpiresAt: Date.now() + r.expiresIn * 1000,
        refreshToken: r.refreshToken,
      };
      owner = { kind: 'user', name: username };
    }
    const config = readCliConfig();
    config.contexts[name] = { url, auth };
    config.current = name;
    await writeCliConfig(config);
    if (owner.kind === 'unknown')
      process.stderr.write(
        'omega: the token is valid but may not read whose it is (GET /api/v1/security/me needs security:self), so its user is not known\n',
      );
    const as =
      owner.kind === 'user'
        ? `as ${owner.name}`
        : owner.kind === 'admin'
          ? "with the kernel's admin token, not a user"
          : 'with an API token of an unknown user';
    output(
      values.json === true,
      { context: name, url, user: owner.kind === 'user' ? owner.name : null, admin: owner.kind === 'admin' },
      () => `signed in to ${url} ${as} (context ${name}, now current)`,
    );
    return 0;
  },
};

/** Reads one line from stdin (echoed). */
function readLine(): Promise<string> {
  return new Promise((resolve) => {
    process.stdin.resume();
    process.stdin.once('data', (d) => {
      process.stdin.pause();
      resolve(String(d).trim());
    });
  });
}

/** `omega logout`: ends the session of a context (revoked in the kernel) and forgets its credential. */
export const logoutCommand: Command = {
  name: 'logout',
  summary: "Sign out of a kernel: revoke the context's session and forget its credential.",
  usage: 'omega logout [--context NAME] [--json]',
  options: {
    context: str('The context (default: the current one)'),
    json: { type: 'boolean', description: 'Print JSON' },
  },
  noArguments: true,
  async run(values) {
    const config = readCliConfig();
    const name =
      typeof values.context === 'string' ? values.context : (config.current ?? config.ignored?.current);
    // An ignored context (a name an older CLI allowed) can still be signed out of: its session
    // stays valid in the kernel until revoked.
    const ignored = name !== undefined && !config.contexts[name] ? ignoredContext(config, name) : undefined;
    const ctx = name ? (config.contexts[name] ?? ignored) : undefined;
    if (!name || !ctx) throw new UsageError('no context to sign out of; omega context list shows them');
    const outcome = await revokeSession(ctx);
    delete ctx.auth;
    if (ignored && config.ignored) {
      const raw = { ...(config.ignored.contexts[name] as Record<string, unknown>) };
      delete raw.auth;
      config.ignored.contexts[name] = raw;
    }
    await writeCliConfig(config);
    const said = {
      revoked: `signed out of ${ctx.url} (session revoked)`,
      ended: `signed out of ${ctx.url} (the session had already ended)`,
      unreachable: `forgot the session for ${ctx.url}, but the kernel did not answer, so it is not revoked: it stays valid until its refresh token expires`,
      token: `forgot the API token for ${ctx.url} (the token stays valid until it is revoked)`,
      'admin-token': `forgot the kernel's admin token for ${ctx.url} (it stays valid: it is the kernel's own)`,
      none: `no credential was stored for ${ctx.url}; nothing to sign out of`,
    }[outcome];
    output(values.json === true, { context: name, revoked: outcome === 'revoked', outcome }, () => said);
    return 0;
  },
};
