import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { execError } from '../errors/index.js';
import { downloadLog } from '../logs/download-log.js';
import { type LogChunk, MAX_READ_BYTES, readLog } from '../logs/read-log.js';
import { type LogSearchResult, searchLog } from '../logs/search-log.js';
import type { SessionRuntime } from './session-runtime.js';

/** One of a session's two output streams. */
export type LogStream = 'stdout' | 'stderr';

/** A read of a session's output; `ended`: nothing more will be written. */
export interface SessionLogChunk extends LogChunk {
  stream: LogStream;
  ended: boolean;
}

const stream = z.enum(['stdout', 'stderr']);
const offset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const readSchema = z.strictObject({
  stream,
  offset: offset.default(0),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_READ_BYTES)
    .default(1024 * 1024),
});
const searchSchema = z.strictObject({
  stream,
  pattern: z.string().min(1).max(1024),
  regex: z.boolean().default(false),
  fromOffset: offset.default(0),
  maxMatches: z.number().int().min(1).max(10_000).default(100),
  maxScanBytes: z
    .number()
    .int()
    .min(1)
    .max(2 ** 40)
    .optional(),
});
const downloadSchema = z.strictObject({ stream, fromOffset: offset.default(0) });

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw execError('OMEGA_ERR_EXEC_INVALID', `Invalid log request: ${errors.join('; ')}`, { errors });
}

/** Reads `limit` bytes of a stream from `offset` (resume a live stream with `nextOffset`). */
export async function readSessionLog(rt: SessionRuntime, input: unknown): Promise<SessionLogChunk> {
  const o = parse(readSchema, input);
  const chunk = await readLog(join(rt.dir, o.stream), o.offset, o.limit);
  return { ...chunk, stream: o.stream, ended: rt.phase === 'ended' };
}

/** Searches a stream's retained bytes (literal bytes, or a regex over latin1-decoded lines). */
export async function searchSessionLog(rt: SessionRuntime, input: unknown): Promise<LogSearchResult> {
  const o = parse(searchSchema, input);
  return searchLog(join(rt.dir, o.stream), o);
}

/** The retained bytes of a stream as a byte stream, for download. */
export function downloadSessionLog(rt: SessionRuntime, input: unknown): Readable {
  const o = parse(downloadSchema, input);
  return downloadLog(join(rt.dir, o.stream), o.fromOffset);
}
