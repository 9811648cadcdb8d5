/** What an errno code means to someone who typed a path or a host (the code follows in parentheses). */
const WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EISDIR: 'a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'it exists already',
  ENOSPC: 'no space left on the device',
  EROFS: 'a read-only file system',
};

/** `code` in words with the code after it (`no such file or directory, ENOENT`), or the code alone. */
export function errnoWords(code: string): string {
  return WORDS[code] ? `${WORDS[code]}, ${code}` : code;
}

/** A host name that does not resolve (`code`: ENOTFOUND, EAI_AGAIN), as one line saying what to check. */
export function unresolvedHostText(hostname: string, code: string): string {
  return `cannot resolve the host name ${JSON.stringify(hostname)} (${code}); check its spelling, or give an IP address`;
}

/**
 * A Node system error (a file operation, a name lookup) as one line that says what failed and
 * what to check, or undefined for any other error: Node's own message
 * (`ENOENT: no such file or directory, open '/x'`, `getaddrinfo ENOTFOUND h`) names a system
 * call, not the fix. The CLI's last resort: a command that knows the flag names it itself.
 */
export function systemErrorText(err: unknown): string | undefined {
  const e = err as (NodeJS.ErrnoException & { hostname?: unknown }) | null;
  if (typeof e?.code !== 'string' || typeof e.syscall !== 'string') return undefined;
  if (e.syscall === 'getaddrinfo') return unresolvedHostText(String(e.hostname ?? ''), e.code);
  if (typeof e.path === 'string')
    return `cannot ${e.syscall} ${e.path} (${errnoWords(e.code)}); check the path and its permissions`;
  return undefined;
}
