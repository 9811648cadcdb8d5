const EMPTY = Buffer.alloc(0);
/** Longest response head accepted before the stream counts as malformed, bytes. */
const MAX_HEAD = 64 * 1024;
const HEX = /^[0-9a-fA-F]+$/;

type State = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer';

/**
 * A minimal HTTP/1.1 response parser for a load generator on a raw keep-alive socket: the
 * status line, then a body framed by `content-length` or `transfer-encoding: chunked` (and no
 * body for 204 and 304; an interim 1xx is skipped). Bytes are pushed as they arrive, split anywhere; each complete
 * response is reported with its status. It reads no header values other than those two and does
 * not keep the body. A response framed by neither (body until close) or a malformed head
 * throws: a generator then drops the connection and counts the request as bad.
 */
export class ResponseParser {
  private buf: Buffer = EMPTY;
  private state: State = 'head';
  private remaining = 0;
  private status = 0;

  /** Feeds bytes; calls `done(status)` once per response completed by them, in order. */
  push(chunk: Buffer, done: (status: number) => void): void {
    const buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      if (this.state === 'head') {
        const end = buf.indexOf('\r\n\r\n', pos, 'latin1');
        if (end < 0) {
          if (buf.length - pos > MAX_HEAD) throw new Error(`response head longer than ${MAX_HEAD} bytes`);
          break;
        }
        this.head(buf.toString('latin1', pos, end));
        pos = end + 4;
        // an interim 1xx is not the answer: the real head follows
        if (this.state === 'head' && this.status >= 200) done(this.status);
      } else if (this.state === 'body' || this.state === 'chunk-data') {
        const take = Math.min(this.remaining, buf.length - pos);
        pos += take;
        this.remaining -= take;
        if (this.remaining > 0) break;
        if (this.state === 'body') {
          this.state = 'head';
          done(this.status);
        } else this.state = 'chunk-end';
      } else if (this.state === 'chunk-end') {
        if (buf.length - pos < 2) break;
        if (buf[pos] !== 13 || buf[pos + 1] !== 10) throw new Error('chunk not followed by CRLF');
        pos += 2;
        this.state = 'chunk-size';
      } else {
        const eol = buf.indexOf('\r\n', pos, 'latin1');
        if (eol < 0) {
          if (buf.length - pos > MAX_HEAD) throw new Error('chunk size or trailer line too long');
          break;
        }
        const line = buf.toString('latin1', pos, eol);
        pos = eol + 2;
        if (this.state === 'trailer') {
          if (line === '') {
            this.state = 'head';
            done(this.status);
          }
        } else {
          const hex = line.split(';', 1)[0]!.trim();
          if (!HEX.test(hex)) throw new Error(`bad chunk size line "${line.slice(0, 40)}"`);
          const size = Number.parseInt(hex, 16);
          if (size === 0) this.state = 'trailer';
          else {
            this.state = 'chunk-data';
            this.remaining = size;
          }
        }
      }
    }
    this.buf = pos >= buf.length ? EMPTY : buf.subarray(pos);
  }

  /** Reads a response head (without its final CRLF CRLF) and sets what its body needs. */
  private head(text: string): void {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0]!);
    if (!m) throw new Error(`bad status line "${lines[0]!.slice(0, 40)}"`);
    this.status = Number(m[1]);
    let length = -1;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`bad header line "${line.slice(0, 40)}"`);
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === 'content-length') {
        const value = line.slice(colon + 1).trim();
        if (!/^\d+$/.test(value)) throw new Error(`bad content-length "${value.slice(0, 40)}"`);
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        chunked = line
          .slice(colon + 1)
          .trim()
          .toLowerCase()
          .endsWith('chunked');
      }
    }
    if (this.status < 200 || this.status === 204 || this.status === 304) this.state = 'head';
    else if (chunked) this.state = 'chunk-size';
    else if (length > 0) {
      this.state = 'body';
      this.remaining = length;
    } else if (length === 0) this.state = 'head';
    else throw new Error('response has neither content-length nor chunked framing');
  }
}
