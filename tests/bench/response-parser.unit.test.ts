import { describe, expect, it } from 'vitest';
import { ResponseParser } from '../../bench/response-parser.js';

const statuses = (chunks: Buffer[]) => {
  const p = new ResponseParser();
  const out: number[] = [];
  for (const c of chunks) p.push(c, (s) => out.push(s));
  return out;
};
const b = (s: string) => Buffer.from(s, 'latin1');

/** Three keep-alive responses back to back: content-length, chunked with an extension and a trailer, 204. */
const STREAM = b(
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{"hello":"world"}' +
    'HTTP/1.1 500 Internal Server Error\r\ntransfer-encoding: chunked\r\n\r\n5;x=y\r\nhello\r\nA\r\n0123456789\r\n0\r\nx-trailer: 1\r\n\r\n' +
    'HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n',
);

describe('ResponseParser', () => {
  it('frames content-length, chunked (with extension and trailer) and bodiless responses', () => {
    expect(statuses([STREAM])).toEqual([200, 500, 204]);
  });

  it('gives the same answers however the bytes are split', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(statuses([STREAM.subarray(0, cut), STREAM.subarray(cut)])).toEqual([200, 500, 204]);
    }
    expect(statuses([...STREAM].map((x) => Buffer.from([x])))).toEqual([200, 500, 204]);
  });

  it('skips an interim 1xx and reports the final answer once', () => {
    expect(
      statuses([b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok')]),
    ).toEqual([201]);
  });

  it('waits for the rest of a body before reporting', () => {
    const p = new ResponseParser();
    const out: number[] = [];
    p.push(b('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n12345'), (s) => out.push(s));
    expect(out).toEqual([]);
    p.push(b('6789'), (s) => out.push(s));
    expect(out).toEqual([]);
    p.push(b('0'), (s) => out.push(s));
    expect(out).toEqual([200]);
  });

  it.each([
    ['a bad status line', 'HTTP/2 200 OK\r\ncontent-length: 0\r\n\r\n'],
    ['no framing (body until close)', 'HTTP/1.1 200 OK\r\n\r\nbody'],
    ['a bad content-length', 'HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk without its CRLF', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabXY0\r\n\r\n'],
  ])('throws on %s', (_, text) => {
    expect(() => statuses([b(text)])).toThrow();
  });

  it('throws on a head that never ends instead of buffering without bound', () => {
    const p = new ResponseParser();
    p.push(b('HTTP/1.1 200 OK\r\n'), () => {});
    expect(() => p.push(Buffer.alloc(70 * 1024, 0x61), () => {})).toThrow(/longer than/);
  });
});
