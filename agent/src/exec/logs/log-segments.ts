import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One retained piece of an output stream: bytes [start, end) of everything the session wrote to it. */
export interface LogSegment {
  path: string;
  start: number;
  end: number;
}

const NAME = /^(\d{20})\.log$/;

/** The segment file holding the stream's bytes from `offset` on. */
export const segmentName = (offset: number): string => `${String(offset).padStart(20, '0')}.log`;

/**
 * The retained segments of one stream, oldest first. A segment ends at its size, or where the
 * next one starts (a gap means bytes the disk refused, or rotation that happened while listing).
 */
export async function listSegments(dir: string): Promise<LogSegment[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => NAME.test(n)).sort();
  const segs: LogSegment[] = [];
  for (const name of names) {
    const start = Number(NAME.exec(name)![1]);
    const size = await stat(join(dir, name)).then(
      (s) => s.size,
      () => -1,
    );
    if (size >= 0) segs.push({ path: join(dir, name), start, end: start + size });
  }
  for (let i = 0; i + 1 < segs.length; i++) segs[i]!.end = Math.min(segs[i]!.end, segs[i + 1]!.start);
  return segs;
}

/** The retained range of a stream: `start` (oldest retained byte) and `end` (bytes written so far). */
export function retainedRange(segs: readonly LogSegment[]): { start: number; end: number } {
  if (segs.length === 0) return { start: 0, end: 0 };
  return { start: segs[0]!.start, end: segs.at(-1)!.end };
}
