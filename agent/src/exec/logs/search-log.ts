import { readLog } from './read-log.js';

/** One matching line: its offset in the stream and its bytes (cut at `maxLineBytes`). */
export interface LogMatch {
  offset: number;
  line: Buffer;
  lineTruncated: boolean;
}

/** What a search found, and where to continue when it stopped early. */
export interface LogSearchResult {
  matches: LogMatch[];
  /** First offset not scanned (continue from here). */
  nextOffset: number;
  scannedBytes: number;
  /** True when it stopped at `maxMatches` or `maxScanBytes` before the end of the stream. */
  truncated: boolean;
}

/** A search over the retained bytes of one stream. */
export interface LogSearchOptions {
  /** Text to look for, as its UTF-8 bytes; with `regex`, a JavaScript regular expression over the line's bytes. */
  pattern: string;
  regex?: boolean;
  fromOffset?: number;
  maxMatches?: number;
  maxScanBytes?: number;
  maxLineBytes?: number;
}

const CHUNK = 1024 * 1024;

/**
 * Scans line by line with constant memory (one chunk plus one line, lines longer than 64 KiB are
 * cut), matching bytes: a regex sees each byte as one latin1 character, so offsets stay exact
 * and invalid UTF-8 is matched as it was written.
 */
export async function searchLog(dir: string, options: LogSearchOptions): Promise<LogSearchResult> {
  const maxMatches = options.maxMatches ?? 100;
  const maxScan = options.maxScanBytes ?? 256 * CHUNK;
  const maxLine = options.maxLineBytes ?? 4096;
  const needle = Buffer.from(options.pattern, 'utf8');
  const re = options.regex ? new RegExp(needle.toString('latin1')) : null;
  const test = (line: Buffer): boolean => (re ? re.test(line.toString('latin1')) : line.includes(needle));
  const matches: LogMatch[] = [];
  let offset = options.fromOffset ?? 0;
  let carry = Buffer.alloc(0);
  let carryAt = offset;
  let scanned = 0;
  const emit = (line: Buffer, at: number): void => {
    if (test(line))
      matches.push({
        offset: at,
        line: Buffer.from(line.subarray(0, maxLine)),
        lineTruncated: line.length > maxLine,
      });
  };
  for (;;) {
    if (matches.length >= maxMatches || scanned >= maxScan)
      return { matches, nextOffset: carryAt, scannedBytes: scanned, truncated: true };
    const chunk = await readLog(dir, offset, CHUNK);
    if (chunk.data.length === 0) break;
    if (chunk.skippedBytes > 0) {
      carry = Buffer.alloc(0); // a line cut by rotation: start afresh at the first retained byte
      carryAt = chunk.offset;
    }
    let data = carry.length > 0 ? Buffer.concat([carry, chunk.data]) : chunk.data;
    let base = carryAt;
    for (let nl = data.indexOf(10); nl >= 0 && matches.length < maxMatches; nl = data.indexOf(10)) {
      emit(data.subarray(0, nl), base);
      base += nl + 1;
      data = data.subarray(nl + 1);
    }
    if (data.length > 64 * 1024 && matches.length < maxMatches) {
      emit(data, base); // an endless line: search it in pieces
      base += data.length;
      data = data.subarray(data.length);
    }
    carry = Buffer.from(data);
    carryAt = base;
    scanned += chunk.data.length;
    offset = chunk.nextOffset;
  }
  if (carry.length > 0 && matches.length < maxMatches) emit(carry, carryAt);
  return { matches, nextOffset: carryAt + carry.length, scannedBytes: scanned, truncated: false };
}
