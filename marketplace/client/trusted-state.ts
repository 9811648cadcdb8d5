import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../kernel/index.js';

/** What a client remembers per source between runs: the last root and the highest versions seen. */
export interface TrustedState {
  /** The last trusted root, exactly as it was signed (JWS General JSON text). */
  root: string;
  /** Highest timestamp version seen (a lower one is a rollback). */
  timestampVersion: number;
  /** Highest index version seen (a lower one is a rollback). */
  indexVersion: number;
}

const STATE_FILE = 'trusted.json';
const INDEX_CACHE = 'index.json';

/** Reads the trusted state of a source; null when the source was never added. */
export async function loadTrustedState(dir: string): Promise<TrustedState | null> {
  try {
    return JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as TrustedState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Persists the trusted state atomically (and the verified index bytes beside it, if given). */
export async function saveTrustedState(dir: string, state: TrustedState, index?: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (index)
    await writeFileAtomic(join(dir, INDEX_CACHE), Buffer.from(index).toString('utf8'), { mode: 0o600 });
  await writeFileAtomic(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
