import type { Result, Router } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';

const isStatic = (path: string): boolean => !path.includes(':') && !path.includes('*');

/**
 * Hono's TrieRouter with a map in front for paths that were registered without parameters:
 * such a request (e.g. `GET /api/v1/health`, most plugin routes) is one map lookup instead of a
 * walk of the trie. The kernel's table defeats hono's faster RegExpRouter (it refuses
 * `POST /plugins/install` beside `POST /plugins/:name/enable`), hence this. The map holds the
 * trie's own answer for that method and path, computed on first use, so matching is exactly
 * the trie's; it only ever holds registered paths, never a path a client made up.
 */
export class StaticFirstRouter<T> implements Router<T> {
  readonly name = 'StaticFirstRouter';
  #trie = new TrieRouter<T>();
  /** Static paths by method; then the trie's answer once asked (undefined until then). */
  #static = new Map<string, Map<string, Result<T> | undefined>>();

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler);
    for (const paths of this.#static.values()) for (const p of paths.keys()) paths.set(p, undefined);
    if (!isStatic(path)) return;
    const paths = this.#static.get(method) ?? new Map<string, Result<T> | undefined>();
    paths.set(path, undefined);
    this.#static.set(method, paths);
  }

  // Two maps, not one keyed by `${method} ${path}`: hashing that concatenation costs a
  // flattening allocation on every request.
  match(method: string, path: string): Result<T> {
    const paths = this.#static.get(method);
    const known = paths?.get(path);
    if (known) return known;
    const result = this.#trie.match(method, path);
    if (paths?.has(path)) paths.set(path, result);
    return result;
  }
}
