import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { StaticFirstRouter } from '../../kernel/http/static-first-router.js';

const routes: Array<[string, string]> = [
  ['GET', '/api/v1/plugins'],
  ['GET', '/api/v1/plugins/:name'],
  ['POST', '/api/v1/plugins/:name/enable'],
  ['POST', '/api/v1/plugins/install'],
  ['GET', '/api/v1/echo/open'],
  ['GET', '/api/v1/:plugin/open'],
];
const paths = [
  '/api/v1/plugins',
  '/api/v1/plugins/install',
  '/api/v1/plugins/echo',
  '/api/v1/plugins/install/enable',
  '/api/v1/echo/open',
  '/api/v1/other/open',
  '/api/v1/echo/open/',
  '/nope',
];

/** What a match says, comparable across routers: the handlers in order, with their params. */
const said = (r: ReturnType<TrieRouter<number>['match']>) => JSON.stringify(r[0]);

describe('StaticFirstRouter', () => {
  it('answers exactly what hono’s TrieRouter answers, also from its map and after a later add', () => {
    const trie = new TrieRouter<number>();
    const fast = new StaticFirstRouter<number>();
    routes.forEach(([m, p], i) => {
      trie.add(m, p, i);
      fast.add(m, p, i);
    });
    const compare = () => {
      for (const method of ['GET', 'POST', 'PUT']) {
        for (const path of paths) {
          // Twice: the second answer for a static path comes from the map.
          expect(said(fast.match(method, path)), `${method} ${path}`).toBe(said(trie.match(method, path)));
          expect(said(fast.match(method, path)), `${method} ${path}`).toBe(said(trie.match(method, path)));
        }
      }
    };
    compare();
    // A route added later that also matches a static path must show up in that path's answer.
    trie.add('GET', '/api/v1/:plugin/:verb', 99);
    fast.add('GET', '/api/v1/:plugin/:verb', 99);
    compare();
    expect(said(fast.match('GET', '/api/v1/echo/open'))).toContain('99');
  });
});
