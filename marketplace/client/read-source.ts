import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { downloadFailed, type TrustContext } from '../metadata/index.js';

/** Bytes received so far and the expected total (when known), for a progress display. */
export interface DownloadProgress {
  source: string;
  path: string;
  received: number;
  total?: number;
}

/** Options of {@link readSource}. */
export interface ReadSourceOptions {
  /** Hard cap: more bytes than this (declared or received) is refused. */
  maxBytes: number;
  /** Who asks (role, plugin, version), for the error message. */
  ctx: TrustContext;
  /** A 404 / missing file resolves to null instead of failing (probing the next root). */
  optional?: boolean;
  onProgress?: (p: DownloadProgress) => void;
  timeoutMs?: number;
}

/** True when `source` is an http(s) URL rather than a local directory (an offline mirror). */
export const isHttpSource = (source: string): boolean => /^https?:\/\//i.test(source);

const tooLarge = (o: ReadSourceOptions, path: string, actual: string) =>
  downloadFailed(o.ctx, 'too-large', `${path} is larger than allowed`, `at most ${o.maxBytes} bytes`, actual);

/**
 * Reads `path` (relative to the source) from an http(s) source or a local directory, never
 * holding more than `maxBytes`: a larger Content-Length is refused before reading, and an
 * endless or lying body is cut off as soon as it passes the cap.
 */
export async function readSource(
  source: string,
  path: string,
  o: ReadSourceOptions,
): Promise<Uint8Array | null> {
  return isHttpSource(source) ? readHttp(source, path, o) : readDir(source, path, o);
}

async function readHttp(source: string, path: string, o: ReadSourceOptions): Promise<Uint8Array | null> {
  const base = source.endsWith('/') ? source : `${source}/`;
  const url = new URL(path, base);
  if (!/^https?:$/.test(url.protocol))
    throw downloadFailed(o.ctx, 'bad-path', 'only http(s) URLs can be fetched', 'http(s)', url.protocol);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), o.timeoutMs ?? 60_000);
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, headers: { 'accept-encoding': 'identity' } });
    } catch (err) {
      const cause = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
      throw downloadFailed(o.ctx, 'unreachable', `${url.href} cannot be reached`, 'a response', cause);
    }
    if (res.status === 404 && o.optional) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw downloadFailed(
        o.ctx,
        res.status === 404 ? 'not-found' : 'http-status',
        `${url.href} answered`,
        200,
        res.status,
      );
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > o.maxBytes) {
      await res.body?.cancel();
      throw tooLarge(o, path, `Content-Length ${declared}`);
    }
    const total = Number.isFinite(declared) ? declared : undefined;
    const chunks: Uint8Array[] = [];
    let received = 0;
    const reader = res.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > o.maxBytes) {
        controller.abort();
        await reader.cancel().catch(() => undefined);
        throw tooLarge(o, path, `more than ${o.maxBytes} bytes (${received} received, cut off)`);
      }
      chunks.push(value);
      o.onProgress?.({ source, path, received, ...(total !== undefined ? { total } : {}) });
    }
    return Buffer.concat(chunks, received);
  } finally {
    clearTimeout(timer);
  }
}

async function readDir(source: string, path: string, o: ReadSourceOptions): Promise<Uint8Array | null> {
  if (isAbsolute(path) || /^[a-z][a-z0-9+.-]*:/i.test(path))
    throw downloadFailed(
      o.ctx,
      'bad-path',
      'a directory source serves relative paths only',
      'a relative path',
      path,
    );
  const root = await realpath(source).catch(() => {
    throw downloadFailed(
      o.ctx,
      'unreachable',
      `directory ${source} cannot be read`,
      'a directory',
      'missing',
    );
  });
  let file: string;
  try {
    file = await realpath(resolve(root, path));
  } catch {
    if (o.optional) return null;
    throw downloadFailed(o.ctx, 'not-found', `${path} is not in ${source}`, 'a file', 'missing');
  }
  const rel = relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw downloadFailed(
      o.ctx,
      'bad-path',
      `${path} leads outside the source directory`,
      'a path inside',
      path,
    );
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size > o.maxBytes) throw tooLarge(o, path, `${size} bytes`);
    // Read at most maxBytes + 1: a file that grows while being read is still caught.
    const buf = Buffer.alloc(Math.min(size, o.maxBytes) + 1);
    let received = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, received, buf.length - received, received);
      if (bytesRead === 0) break;
      received += bytesRead;
      o.onProgress?.({ source, path, received, total: size });
      if (received > o.maxBytes) throw tooLarge(o, path, `more than ${o.maxBytes} bytes`);
      if (received === buf.length) break;
    }
    return buf.subarray(0, received);
  } finally {
    await handle.close();
  }
}
