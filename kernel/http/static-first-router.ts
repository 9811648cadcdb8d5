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
  #registered = new Set<string>();
  #answers = new Map<string, Result<T>>();

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler);
    if (isStatic(path)) this.#registered.add(`${method} ${path}`);
    this.#answers.clear();
  }

  match(method: string, path: string): Result<T> {
    const key = `${method} ${path}`;
    const known = this.#answers.get(key);
    if (known) return known;
    const result = this.#trie.match(method, path);
    if (this.#registered.has(key)) this.#answers.set(key, result);
    return result;
  }
}
