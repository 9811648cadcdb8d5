import { literalMatcher, regexMatcher } from './line-matcher.js';
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
const LONGEST_LINE = 64 * 1024;

/**
 * Scans line by line with constant memory (one chunk plus one line; lines longer than 64 KiB are
 * searched in pieces). Offsets are exact stream offsets of each line's first byte.
 */
export async function searchLog(dir: string, options: LogSearchOptions): Promise<LogSearchResult> {
  const maxMatches = options.maxMatches ?? 100;
  const maxScan = options.maxScanBytes ?? 256 * CHUNK;
  const maxLine = options.maxLineBytes ?? 4096;
  const match = options.regex ? regexMatcher(options.pattern) : literalMatcher(options.pattern);
  const matches: LogMatch[] = [];
  let offset = options.fromOffset ?? 0;
  let carry = Buffer.alloc(0);
  let carryAt = offset;
  let scanned = 0;
  const found = (line: Buffer, at: number): LogMatch => ({
    offset: at,
    line: Buffer.from(line.subarray(0, maxLine)),
    lineTruncated: line.length > maxLine,
  });
  for (;;) {
    if (scanned >= maxScan) return { matches, nextOffset: carryAt, scannedBytes: scanned, truncated: true };
    const chunk = await readLog(dir, offset, CHUNK);
    if (chunk.data.length === 0) break;
    if (chunk.skippedBytes > 0) {
      carry = Buffer.alloc(0); // a line cut by rotation: start afresh at the first retained byte
      carryAt = chunk.offset;
    }
    let data = carry.length > 0 ? Buffer.concat([carry, chunk.data]) : chunk.data;
    let at = carryAt;
    const lines: { at: number; line: Buffer }[] = [];
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10)) {
      lines.push({ at, line: data.subarray(0, nl) });
      at += nl + 1;
      data = data.subarray(nl + 1);
    }
    if (data.length > LONGEST_LINE) {
      lines.push({ at, line: data }); // an endless line: search it in pieces
      at += data.length;
      data = data.subarray(data.length);
    }
    for (const i of match(lines.map((l) => l.line))) {
      matches.push(found(lines[i]!.line, lines[i]!.at));
      if (matches.length >= maxMatches) {
        return {
          matches,
          nextOffset: lines[i + 1]?.at ?? at,
          scannedBytes: scanned + chunk.data.length,
          truncated: true,
        };
      }
    }
    carry = Buffer.from(data);
    carryAt = at;
    scanned += chunk.data.length;
    offset = chunk.nextOffset;
  }
  if (carry.length > 0 && match([carry]).length > 0 && matches.length < maxMatches)
    matches.push(found(carry, carryAt));
  return { matches, nextOffset: carryAt + carry.length, scannedBytes: scanned, truncated: false };
}
