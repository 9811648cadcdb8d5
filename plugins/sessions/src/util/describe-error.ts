/** `code: message` of a thrown value (errors cross the sandbox as data). */
export function describeError(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? `${e.code}: ` : '';
    return `${code}${typeof e.message === 'string' ? e.message : 'error'}`;
  }
  return String(err);
}
