import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { OmegaError } from '../errors/index.js';

/** Temp files are `.<target>.<pid>.<n>.tmp` beside their target; {@link removeStaleTempFiles} knows them. */
const TEMP = /^\..+\.\d+\.\d+\.tmp$/;
let tempCounter = 0;

/** fsyncs a directory, so a rename or create inside it survives power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Replaces `file` atomically and durably: write a temp file in the same directory, fsync
 * it, rename it over the target, fsync the directory. A crash at any point leaves either
 * the old or the new content, never a mix. Fails with OMEGA_ERR_STORAGE_IO.
 */
export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${tempCounter++}.tmp`);
  let replaced = false;
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    replaced = true;
    await syncDir(dir);
  } catch (err) {
    if (!replaced) await unlink(tmp).catch(() => {});
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    // `replaced`: the new content may already be visible on disk even though the write failed.
    throw new OmegaError(
      'OMEGA_ERR_STORAGE_IO',
      `writing ${file} failed (${reason})`,
      { replaced },
      { cause: err },
    );
  }
}

/** Deletes temp files a crash left behind in `dir`; returns their names. */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const stale = (await readdir(dir)).filter((name) => TEMP.test(name));
  for (const name of stale) await unlink(join(dir, name));
  return stale;
}

/**
 * A lowdb adapter over one file written with {@link writeFileDurable}. `encode` runs
 * synchronously when `write` is called, so the snapshot is exactly the state at that call.
 */
export class DurableFileAdapter<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly encode: (data: T) => string | Uint8Array,
    private readonly decode: (text: string, file: string) => T,
  ) {}

  /** The decoded file, or null when it does not exist. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return this.decode(text, this.file);
  }

  write(data: T): Promise<void> {
    return writeFileDurable(this.file, this.encode(data));
  }
}
