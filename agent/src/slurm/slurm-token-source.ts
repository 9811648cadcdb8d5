import { readFile } from 'node:fs/promises';
import { SignJWT } from 'jose';
import { slurmError } from './slurm-error.js';

/** Where slurmrestd tokens come from: minted from the cluster's jwt_key, or supplied. */
export interface TokenSourceOptions {
  user: string;
  /** The cluster's `AuthAltParameters=jwt_key=` file: tokens for `user` are minted with it (HS256). */
  jwtKeyFile?: string;
  /** A token (e.g. from `scontrol token username=…`), or a function that returns the current one. */
  token?: string | (() => string | Promise<string>);
  /** Lifetime of a minted token in seconds (default 300); a new one is minted after 80 % of it. */
  lifetimeSeconds?: number;
}

/** Gives the current token, and scrubs any token it ever gave from a text. */
export interface TokenSource {
  get(): Promise<string>;
  redact(text: string): string;
}

/**
 * A token source for slurmrestd. Minted tokens carry exactly what Slurm's auth/jwt reads
 * (`sun`, `iat`, `exp`) and are cached until 80 % of their lifetime. Neither the key nor a
 * token ever appears in an error: failures name the file and the errno only.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const lifetime = options.lifetimeSeconds ?? 300;
  const given: string[] = [];
  let cached: { token: string; renewAt: number } | null = null;
  const remember = (t: string) => {
    if (!given.includes(t)) given.push(t);
    if (given.length > 8) given.shift();
    return t;
  };

  async function mint(): Promise<string> {
    const file = options.jwtKeyFile as string;
    let key: Buffer;
    try {
      key = await readFile(file);
    } catch (e) {
      throw slurmError(
        'OMEGA_ERR_SLURM_CONFIG',
        `The JWT key file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); it must be the cluster's jwt_key, readable by the agent.`,
        { field: 'jwtKeyFile' },
      );
    }
    if (key.length < 32) {
      throw slurmError('OMEGA_ERR_SLURM_CONFIG', `The JWT key file ${file} holds fewer than 32 bytes.`, {
        field: 'jwtKeyFile',
      });
    }
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sun: options.user })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(key);
    cached = { token, renewAt: Date.now() + lifetime * 800 };
    return token;
  }

  return {
    async get() {
      if (options.jwtKeyFile !== undefined) {
        if (cached && Date.now() < cached.renewAt) return cached.token;
        return remember(await mint());
      }
      const t = typeof options.token === 'function' ? await options.token() : options.token;
      if (typeof t !== 'string' || t === '' || /[\r\n\0]/.test(t)) {
        throw slurmError('OMEGA_ERR_SLURM_CONFIG', 'The Slurm token source gave no usable token.', {
          field: 'token',
        });
      }
      return remember(t);
    },
    redact(text) {
      let out = text;
      for (const t of given) out = out.replaceAll(t, '[redacted token]');
      return out;
    },
  };
}
