/** True when `segment` is a plain file or folder name: not empty, not dotted, no `\` and no control character. */
function isPlainSegment(segment: string): boolean {
  if (segment === '' || segment.startsWith('.')) return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return false;
  }
  return true;
}

/**
 * True when `path` may name a file of a plugin's UI: relative, `/`-separated, at most 512
 * characters, every segment plain (no `..`, no dot-file, no backslash, no NUL or other control
 * character). The kernel serves only such paths, and a UI folder holding another name is refused.
 */
export function isUiPath(path: string): boolean {
  return path.length > 0 && path.length <= 512 && path.split('/').every(isPlainSegment);
}
