import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../kernel/log/index.js';
import { openStorage, type Storage } from '../../kernel/storage/index.js';

/** A logger that prints nothing (tests assert behaviour, not log lines). */
export const quietLogger = createLogger({ level: 'silent' });

/** A fresh temp data dir. */
export function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'omega-storage-'));
}

/** Opens storage on `dataDir`. */
export function open(dataDir: string): Promise<Storage> {
  return openStorage({ dataDir, logger: quietLogger });
}

/** Removes a temp data dir. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Runs `fn` and returns what it rejected with (fails when it resolves). */
export async function rejection(
  fn: () => Promise<unknown>,
): Promise<{ code?: string; extras?: Record<string, unknown>; message: string }> {
  try {
    await fn();
  } catch (err) {
    return err as { code?: string; extras?: Record<string, unknown>; message: string };
  }
  throw new Error('expected a rejection, got a result');
}
