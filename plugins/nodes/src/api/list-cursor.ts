import { fromBase64url, toBase64url } from '../crypto/base64url.js';

/** An opaque list cursor: the sort key (name, id) of the last item of the page. */
export function encodeCursor(name: string, id: string): string {
  const text = `${name}\n${id}`;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return toBase64url(bytes);
}

/** The sort key a cursor holds, or undefined when it is not one this API made. */
export function decodeCursor(cursor: string): { name: string; id: string } | undefined {
  if (cursor.length > 512) return undefined;
  const bytes = fromBase64url(cursor);
  if (!bytes) return undefined;
  const text = String.fromCharCode(...bytes);
  const nl = text.indexOf('\n');
  if (nl <= 0 || !/^[\x20-\x7e]*\n[\x20-\x7e]+$/.test(text)) return undefined;
  return { name: text.slice(0, nl), id: text.slice(nl + 1) };
}

/** True when (name, id) sorts after `key`. */
export function after(name: string, id: string, key: { name: string; id: string }): boolean {
  return name > key.name || (name === key.name && id > key.id);
}
