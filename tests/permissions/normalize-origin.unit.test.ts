import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { normalizeOrigin, parseRequestUrl } from '../../kernel/permissions/index.js';

const refused = (fn: () => unknown): boolean => {
  try {
    fn();
    return false;
  } catch (err) {
    return hasErrorCode(err, 'OMEGA_ERR_VALIDATION');
  }
};

describe('normalizeOrigin', () => {
  it.each([
    ['https://example.com', 'https://example.com'],
    ['https://EXAMPLE.com:443', 'https://example.com'],
    ['HTTPS://Example.COM/', 'https://example.com'],
    ['http://example.com:80', 'http://example.com'],
    ['http://example.com:443', 'http://example.com:443'],
    ['https://example.com:0443', 'https://example.com'],
    ['https://example.com:8443', 'https://example.com:8443'],
    ['http://2130706433', 'http://127.0.0.1'],
    ['http://0177.0.0.1', 'http://127.0.0.1'],
    ['http://0x7f.1', 'http://127.0.0.1'],
    ['http://127.1', 'http://127.0.0.1'],
    ['http://0x7f000001', 'http://127.0.0.1'],
    ['https://[::FFFF:127.0.0.1]', 'https://[::ffff:7f00:1]'],
    ['https://exa%6dple.com', 'https://example.com'],
    ['https://example.com.', 'https://example.com'],
  ])('%s → %s', (input, out) => {
    expect(normalizeOrigin(input)).toBe(out);
  });

  it.each([
    'https://example.com@evil.com',
    'https://@example.com',
    'https://user:pw@example.com',
    'https://example.com\\@evil.com',
    'https://example.com/path',
    'https://example.com/.',
    'https://example.com?',
    'https://example.com#x',
    'ftp://example.com',
    'file:///etc/passwd',
    'javascript://example.com',
    'https:example.com',
    'https:/example.com',
    ' https://example.com',
    'https://exa\tmple.com',
    'https://example.com..',
    'https://',
    'example.com',
  ])('refuses %j', (input) => {
    expect(refused(() => normalizeOrigin(input))).toBe(true);
  });
});

describe('parseRequestUrl', () => {
  it('keeps path and query, drops the fragment, gives the canonical origin', () => {
    const t = parseRequestUrl('https://API.Example.com:443/v1/x?q=1#frag');
    expect(t.origin).toBe('https://api.example.com');
    expect(t.url.href).toBe('https://api.example.com/v1/x?q=1');
  });

  it('reads the host the way the connection will: the userinfo trick is refused', () => {
    expect(refused(() => parseRequestUrl('https://example.com@evil.com/'))).toBe(true);
    expect(refused(() => parseRequestUrl('https://example.com:pw@evil.com/'))).toBe(true);
  });

  it.each([
    ['https://example.com.evil.com/', 'https://example.com.evil.com'],
    ['https://example.com\\@evil.com', 'https://example.com'],
    ['http://2130706433/x', 'http://127.0.0.1'],
    ['https://example.com./a', 'https://example.com'],
  ])('%s has origin %s', (input, origin) => {
    expect(parseRequestUrl(input).origin).toBe(origin);
  });

  it('refuses non-http schemes', () => {
    expect(refused(() => parseRequestUrl('file:///etc/passwd'))).toBe(true);
    expect(refused(() => parseRequestUrl('gopher://example.com/'))).toBe(true);
    expect(refused(() => parseRequestUrl('/relative'))).toBe(true);
  });
});
