import { describe, expect, it } from 'vitest';
import { isPlainTarget, urlPrefixMemo } from '../../kernel/http/request-url.js';

/** What @hono/node-server's newRequest makes of a host and target: the URL, or undefined when it refuses the host. */
function honoUrl(scheme: string, host: string, target: string): string | undefined {
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}${target}`);
  } catch {
    return undefined;
  }
  if (url.hostname.length !== host.length && url.hostname !== host.replace(/:\d+$/, '')) return undefined;
  return url.href;
}

const TARGETS = [
  '/api/v1/health',
  '/api/v1/echo/open?x=1&y=two',
  '/api/v1/plugins/foo.bar/ui',
  '//double/slash',
  '/a?',
  '/a?q=%zz&r=%2e%2e&s=a.b/c?d',
  '/a?x=(1);y=@:!$*+,',
];
const NOT_PLAIN = [
  '/api/v1/../admin',
  '/api/v1/./health',
  '/api/.hidden',
  '/a/%2e%2e/b',
  '/a\\b',
  '/a b',
  '/a#frag',
  '/a?q=#x',
  "/a?q='x'",
  '/a?q="x"',
  '/a?q=<x>',
  '/a?q=`x`',
  '/a?q={x}',
  'http://evil.example/api/v1/health',
  '*',
  '',
  '/a\u00e9',
];
const HOSTS = [
  '127.0.0.1:4000',
  'localhost',
  'localhost:80',
  'omega.example:443',
  '[::1]:8080',
  'a-b.c:1',
  '127.1:4000',
  'EXAMPLE.com',
  'user@evil.example',
  'evil.example/x',
  'evil.example?x',
  'evil.example#x',
  'a:99999',
  'a:',
  '',
  'exa mple',
  'xn--nxasmq6b.example',
];

describe('request URL without parsing one', () => {
  it('takes as plain only targets URL writes as they came, with no dot segment', () => {
    for (const t of TARGETS) expect(isPlainTarget(t), t).toBe(true);
    for (const t of NOT_PLAIN) expect(isPlainTarget(t), t).toBe(false);
  });

  it('gives exactly the URL @hono/node-server would, and refuses the hosts it refuses', () => {
    for (const scheme of ['http', 'https'] as const) {
      const prefixOf = urlPrefixMemo(scheme);
      for (const host of HOSTS) {
        for (const target of TARGETS) {
          const want = honoUrl(scheme, host, target);
          const prefix = prefixOf(host);
          // A refused host is left to @hono/node-server (which answers 400); a taken one is its URL.
          if (prefix === undefined) expect(want === undefined || host === '', `${host} ${target}`).toBe(true);
          else expect(prefix + target, `${scheme} ${host} ${target}`).toBe(want);
        }
      }
    }
  });

  it('keeps a bounded memo of hosts', () => {
    const prefixOf = urlPrefixMemo('http');
    for (let i = 0; i < 1000; i++) expect(prefixOf(`h${i}.example`)).toBe(`http://h${i}.example`);
    expect(prefixOf('h1.example:81')).toBe('http://h1.example:81');
  });
});
