/**
 * A node id from a hostname: lowercase, `[a-z0-9._-]`, at most 63 characters; `local` when
 * nothing usable is left.
 */
export function nodeIdFrom(hostname: string | undefined): string {
  const id = (hostname ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 63);
  return id === '' ? 'local' : id;
}
