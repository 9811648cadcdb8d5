import { Readable } from 'node:stream';
import { readLog } from './read-log.js';

/**
 * The retained bytes of a stream from `fromOffset` to what was written when the reader gets
 * there, as a byte stream (1 MiB at a time: memory stays flat whatever the log's size).
 */
export function downloadLog(dir: string, fromOffset = 0): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let offset = fromOffset;
    for (;;) {
      const c = await readLog(dir, offset, 1024 * 1024);
      if (c.data.length === 0) return;
      yield c.data;
      offset = c.nextOffset;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
