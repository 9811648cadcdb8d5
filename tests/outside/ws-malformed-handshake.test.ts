import { connect as tcp } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_TOKEN, type Harness, startHarness } from '../ws/ws-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Sends a raw upgrade request and reads the whole answer (the server closes after a refusal). */
function rawUpgrade(base: string, lines: string[]): Promise<{ status: number; head: string; body: string }> {
  const { port } = new URL(base);
  return new Promise((done, fail) => {
    const s = tcp(Number(port), '127.0.0.1', () => s.write(`${lines.join('\r\n')}\r\n\r\n`));
    let text = '';
    s.on('data', (d) => (text += d.toString('utf8')));
    s.on('error', fail);
    s.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      done({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body });
    });
  });
}

const upgrade = (method: string, key: string, version = '13') => [
  `${method} /api/v1/events?topics=a.* HTTP/1.1`,
  'Host: 127.0.0.1',
  'Connection: Upgrade',
  'Upgrade: websocket',
  `Sec-WebSocket-Key: ${key}`,
  `Sec-WebSocket-Version: ${version}`,
  `Authorization: Bearer ${GOOD_TOKEN}`,
];

describe('events gateway, handed a malformed handshake', () => {
  it('a POST upgrade is 405 problem+json with Allow: GET, not ws text/html', async () => {
    h = await startHarness();
    const r = await rawUpgrade(h.base, upgrade('POST', 'dGhlIHNhbXBsZSBub25jZQ=='));
    expect(r.status).toBe(405);
    expect(r.head).toContain('content-type: application/problem+json');
    expect(r.head).toContain('allow: get');
    expect(JSON.parse(r.body)).toMatchObject({ code: 'OMEGA_ERR_METHOD_NOT_ALLOWED', status: 405 });
    expect(h.gateway.clientCount()).toBe(0);
  });

  it.each([
    ['a key that is not 16 bytes of base64', 'not-a-key', '13'],
    ['an unknown protocol version', 'dGhlIHNhbXBsZSBub25jZQ==', '99'],
  ])('%s is 400 problem+json', async (_case, key, version) => {
    h = await startHarness();
    const r = await rawUpgrade(h.base, upgrade('GET', key, version));
    expect(r.status).toBe(400);
    expect(r.head).toContain('content-type: application/problem+json');
    expect(JSON.parse(r.body)).toMatchObject({ code: 'OMEGA_ERR_VALIDATION', status: 400 });
  });
});
