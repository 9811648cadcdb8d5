import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { slurmError } from './slurm-error.js';

/** A window of a file: its bytes and the file's size when read. */
export interface LogWindow {
  data: Buffer;
  size: number;
}

/**
 * Reads `limit` bytes at `offset` of a job's output file. The path comes from Slurm, which
 * takes it from whoever submitted the job, so the agent (often root) only reads a regular
 * file owned by the job's uid, opened without following a final symlink and without blocking
 * on a FIFO; anything else is OMEGA_ERR_SLURM_LOG_UNAVAILABLE. A file that does not exist
 * yet reads as empty.
 */
export async function readLogWindow(
  path: string,
  offset: number,
  limit: number,
  ownerUid: number | null,
): Promise<LogWindow> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { data: Buffer.alloc(0), size: 0 };
    throw slurmError(
      'OMEGA_ERR_SLURM_LOG_UNAVAILABLE',
      `The job's output ${path} cannot be opened (${code}).`,
      {
        path,
      },
    );
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      throw slurmError('OMEGA_ERR_SLURM_LOG_UNAVAILABLE', `The job's output ${path} is not a regular file.`, {
        path,
      });
    }
    if (ownerUid !== null && st.uid !== ownerUid) {
      throw slurmError(
        'OMEGA_ERR_SLURM_LOG_UNAVAILABLE',
        `The job's output ${path} is not owned by the job's user (uid ${ownerUid}); it is not read.`,
        { path },
      );
    }
    const size = st.size;
    const length = Math.max(0, Math.min(limit, size - offset));
    const data = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(data, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { data: got === length ? data : data.subarray(0, got), size };
  } finally {
    await handle.close();
  }
}
