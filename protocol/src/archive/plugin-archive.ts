import { gunzipSync, gzipSync } from 'node:zlib';
import { type OmegaError, omegaError } from '../errors/index.js';

/** Format tag of a plugin archive (the marketplace's artifacts use the same document). */
export const PLUGIN_ARCHIVE_FORMAT = 'omega-plugin-archive/1';

/**
 * A packed plugin (`omega-plugin pack`): one gzip'd JSON document, so unpacking never walks
 * archive paths. `manifest` is plugin.json's exact text; `files` maps each relative path (only
 * the bundle named by `main`) to its base64 bytes; `signature` is the publisher's detached JWS
 * over {@link signingPayload}.
 */
export interface PluginArchive {
  format: typeof PLUGIN_ARCHIVE_FORMAT;
  manifest: string;
  files: Record<string, string>;
  signature?: string;
}

const bad = (why: string): OmegaError =>
  omegaError('OMEGA_ERR_VALIDATION', `Not a plugin archive: ${why}.`, {
    errors: [{ field: 'archive', message: why }],
  });

/** Serialises an archive: JSON, gzip'd (deterministic: no name or time in the gzip header). */
export function encodeArchive(archive: PluginArchive): Buffer {
  const files = Object.fromEntries(Object.entries(archive.files).sort(([a], [b]) => (a < b ? -1 : 1)));
  return gzipSync(JSON.stringify({ ...archive, files }), { level: 9 });
}

/**
 * Reads an archive (gzip'd or plain JSON), refusing more than `maxBytes` once decompressed and
 * any file path that is not a plain relative path.
 */
export function decodeArchive(bytes: Uint8Array, maxBytes = 16 * 1024 * 1024): PluginArchive {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text: string;
  try {
    text = (
      buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf, { maxOutputLength: maxBytes }) : buf
    ).toString('utf8');
  } catch {
    throw bad(`not gzip, or larger than ${maxBytes} bytes unpacked`);
  }
  if (text.length > maxBytes) throw bad(`larger than ${maxBytes} bytes`);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (doc === null || typeof doc !== 'object') throw bad('not a JSON object');
  if (doc.format !== PLUGIN_ARCHIVE_FORMAT) throw bad(`format must be "${PLUGIN_ARCHIVE_FORMAT}"`);
  if (typeof doc.manifest !== 'string') throw bad('no manifest text');
  if (doc.signature !== undefined && typeof doc.signature !== 'string')
    throw bad('signature must be a string');
  const files = doc.files;
  if (files === null || typeof files !== 'object' || Array.isArray(files)) throw bad('no files');
  const out: Record<string, string> = {};
  for (const [path, b64] of Object.entries(files as Record<string, unknown>)) {
    const parts = path.split('/');
    if (
      typeof b64 !== 'string' ||
      path.startsWith('/') ||
      /[\\\0:]/.test(path) ||
      parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.')) ||
      path === 'plugin.json'
    ) {
      throw bad(`file path "${path.slice(0, 100)}" is not allowed`);
    }
    out[path] = b64;
  }
  return {
    format: PLUGIN_ARCHIVE_FORMAT,
    manifest: doc.manifest,
    files: out,
    ...(typeof doc.signature === 'string' ? { signature: doc.signature } : {}),
  };
}
