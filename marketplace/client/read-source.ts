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
  /** Deadline of the whole read (default 60 s): past it, OMEGA_ERR_MARKETPLACE_DOWNLOAD `timeout`. */
  timeoutMs?: number;
  /** Longest wait for the next bytes (default 15 s): past it, OMEGA_ERR_MARKETPLACE_DOWNLOAD `stalled`. */
  stallMs?: number;
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
  const deadlineMs = o.timeoutMs ?? 60_000;
  const stallMs = o.stallMs ?? 15_000;
  let why: 'timeout' | 'stalled' | undefined;
  const stop = (reason: 'timeout' | 'stalled') => {
    why ??= reason;
    controller.abort();
  };
  const timer = setTimeout(() => stop('timeout'), deadlineMs);
  let stall = setTimeout(() => stop('stalled'), stallMs);
  const progressed = () => {
    clearTimeout(stall);
    stall = setTimeout(() => stop('stalled'), stallMs);
  };
  /** A deadline or a broken connection, as the coded error that says which. */
  const cut = (err: unknown, received: number) =>
    why
      ? downloadFailed(
          o.ctx,
          why,
          why === 'timeout'
            ? `${url.href} did not arrive within ${deadlineMs / 1000} s`
            : `${url.href} sent nothing for ${stallMs / 1000} s`,
          why === 'timeout' ? `complete within ${deadlineMs} ms` : `bytes at least every ${stallMs} ms`,
          `${received} bytes received`,
        )
      : downloadFailed(
          o.ctx,
          'interrupted',
          `${url.href} broke off`,
          'the whole body',
          `${received} bytes, then ${(err as Error).message}`,
        );
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, headers: { 'accept-encoding': 'identity' } });
    } catch (err) {
      if (why) throw cut(err, 0);
      const cause = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
      throw downloadFailed(o.ctx, 'unreachable', `${url.href} cannot be reached`, 'a response', cause);
    }
    progressed();
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
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw cut(err, received);
      }
      const { done, value } = chunk;
      if (done) break;
      progressed();
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
    clearTimeout(stall);
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
