/** Content types of the files a plugin UI may ship, by extension (lower case, with the dot). */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * The Content-Type the kernel serves a UI file with; anything unknown is
 * `application/octet-stream` (with `nosniff`, so a browser never runs or renders it).
 */
export function uiContentType(path: string): string {
  const dot = path.lastIndexOf('.');
  const ext = dot > path.lastIndexOf('/') ? path.slice(dot).toLowerCase() : '';
  return TYPES[ext] ?? 'application/octet-stream';
}

/** Every media type a UI file is served as (without parameters), for the OpenAPI document. */
export const UI_MEDIA_TYPES: readonly string[] = [
  ...new Set([...Object.values(TYPES), 'application/octet-stream'].map((t) => t.split(';')[0]!)),
];
