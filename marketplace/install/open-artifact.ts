import { type OmegaError, omegaError } from '../../kernel/errors/index.js';

/** The contents of a plugin artifact: its plugin.json text and its files by relative path. */
export interface ArtifactContents {
  manifestText: string;
  files: Map<string, Uint8Array>;
}

/** Format tag of the archive this module reads and writes. */
export const ARTIFACT_FORMAT = 'omega-plugin-archive/1';

const bad = (why: string): OmegaError =>
  omegaError('OMEGA_ERR_VALIDATION', `The artifact is not a plugin archive: ${why}.`, { reason: why });

/**
 * Opens a plugin archive: JSON `{ format, manifest: "<plugin.json text>", files: { path: base64 } }`.
 * Paths must be relative and stay inside the plugin folder.
 */
export function openArtifact(bytes: Uint8Array): ArtifactContents {
  let doc: { format?: unknown; manifest?: unknown; files?: unknown };
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw bad('not JSON');
  }
  if (doc?.format !== ARTIFACT_FORMAT) throw bad(`format must be ${ARTIFACT_FORMAT}`);
  if (typeof doc.manifest !== 'string') throw bad('no manifest');
  if (!doc.files || typeof doc.files !== 'object') throw bad('no files');
  const files = new Map<string, Uint8Array>();
  for (const [path, b64] of Object.entries(doc.files as Record<string, unknown>)) {
    const parts = path.split('/');
    if (
      typeof b64 !== 'string' ||
      path === '' ||
      path.startsWith('/') ||
      path.includes('\\') ||
      path.includes('\0') ||
      parts.some((p) => p === '' || p === '.' || p === '..') ||
      path === 'plugin.json'
    )
      throw bad(`file path "${path.slice(0, 100)}" is not allowed`);
    files.set(path, Buffer.from(b64, 'base64'));
  }
  return { manifestText: doc.manifest, files };
}

/** Packs a plugin folder's manifest text and files into an archive {@link openArtifact} reads. */
export function packArtifact(manifestText: string, files: Record<string, Uint8Array | string>): Uint8Array {
  const out: Record<string, string> = {};
  for (const [p, data] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)))
    out[p] = Buffer.from(data).toString('base64');
  return Buffer.from(JSON.stringify({ format: ARTIFACT_FORMAT, manifest: manifestText, files: out }));
}
