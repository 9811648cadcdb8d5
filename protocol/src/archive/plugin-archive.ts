import { gunzipSync, gzipSync } from 'node:zlib';
import { type OmegaError, omegaError } from '../errors/index.js';

/** Format tag of a plugin archive that carries only the bundle (the marketplace's artifacts use the same document). */
export const PLUGIN_ARCHIVE_FORMAT = 'omega-plugin-archive/1';
/**
 * Format tag of a plugin archive that also carries the plugin's UI: every file under the
 * manifest's `ui.root`, at its path in the plugin folder (`<ui.root>/<path>`). `omega-plugin pack`
 * writes it only for a plugin with a `ui`, so an archive without one stays
 * {@link PLUGIN_ARCHIVE_FORMAT}, byte for byte, and older kernels keep installing it.
 */
export const PLUGIN_ARCHIVE_FORMAT_UI = 'omega-plugin-archive/2';

/**
 * A packed plugin (`omega-plugin pack`): one gzip'd JSON document, so unpacking never walks
 * archive paths. `manifest` is plugin.json's exact text; `files` maps each relative path (the
 * bundle named by `main`, and in format /2 the UI files under `ui.root`) to its base64 bytes;
 * `signature` is the publisher's detached JWS over {@link signingPayload}, whose manifest digest
 * covers `ui.integrity`, hence every UI file.
 */
export interface PluginArchive {
  format: typeof PLUGIN_ARCHIVE_FORMAT | typeof PLUGIN_ARCHIVE_FORMAT_UI;
  manifest: string;
  files: Record<string, string>;
  signature?: string;
}

const bad = (why: string): OmegaError =>
  omegaError('OMEGA_ERR_VALIDATION', `Not a plugin archive: ${why}.`, {
    errors: [{ field: 'archive', message: why }],
  });

/** The end of the JSON string whose opening quote is at `start` (the index of its closing quote). */
function stringEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return text.length;
    let slashes = 0;
    while (text.charCodeAt(i - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return i;
  }
}

/**
 * The first object key that appears twice in the same object of a valid JSON text, or undefined.
 * JSON.parse keeps the last of two equal keys silently, so an archive naming a file twice would
 * install one of two contents — whichever another reader would not pick.
 */
function duplicateKey(text: string): string | undefined {
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack.at(-1) != null;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      const keys = stack.at(-1);
      if (expectKey && keys) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    }
  }
  return undefined;
}

/** Serialises an archive: JSON, gzip'd (deterministic: no name or time in the gzip header). */
export function encodeArchive(archive: PluginArchive): Buffer {
  const files = Object.fromEntries(Object.entries(archive.files).sort(([a], [b]) => (a < b ? -1 : 1)));
  return gzipSync(JSON.stringify({ ...archive, files }), { level: 9 });
}

/**
 * Reads an archive (gzip'd or plain JSON), refusing more than `maxBytes` once decompressed, a
 * name given twice in one object (a file path included), and any file path that is not a plain
 * relative path (no `..`, no dot-file, no absolute path, no `\`, `:` or NUL). Accepts formats
 * {@link PLUGIN_ARCHIVE_FORMAT} and {@link PLUGIN_ARCHIVE_FORMAT_UI}; which files the
 * manifest allows is the installer's check.
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
  const twice = duplicateKey(text);
  if (twice !== undefined) throw bad(`the name "${twice.slice(0, 100)}" appears twice in one object`);
  if (doc.format !== PLUGIN_ARCHIVE_FORMAT && doc.format !== PLUGIN_ARCHIVE_FORMAT_UI)
    throw bad(`format must be "${PLUGIN_ARCHIVE_FORMAT}" or "${PLUGIN_ARCHIVE_FORMAT_UI}"`);
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
    format: doc.format,
    manifest: doc.manifest,
    files: out,
    ...(typeof doc.signature === 'string' ? { signature: doc.signature } : {}),
  };
}
