import { describe, expect, it } from 'vitest';
import { readRouteAnswer, readWholeAnswer } from '../../kernel/sandbox/call-route.js';
import { MAX_RESULT_DEPTH } from '../../kernel/sandbox/plugin-call.js';
import { splitRouteAnswer } from '../../kernel/sandbox/split-route-answer.js';
import type { validateRouteResponse } from '../../kernel/sandbox/validate-route-response.js';

/** The answer read whole, as readRouteAnswer read every answer before it kept the body's text. */
const readWhole = readWholeAnswer;

/** What a reading gives: the result's status, headers and body, or the code it threw. */
function outcome(read: () => ReturnType<typeof validateRouteResponse>) {
  try {
    const { status, headers, body } = read();
    return { status, headers, body };
  } catch (err) {
    return { thrown: (err as { code?: string }).code };
  }
}

const nest = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** Answers a hostile plugin could send: every one is read as the whole reading reads it. */
const CASES = [
  '{"status":200,"body":{"hello":"world"}}',
  '{"status":200,"headers":{"content-type":"application/json"},"body":[1,2,3]}',
  '{"status":201,"headers":{},"body":null}',
  '{"status":200,"body":"text"}',
  '{"status":204,"body":{}}',
  '{"status":200,"body": {"spaced" : 1 } }',
  '{"status":200,"body":1e2}',
  '{"status":200,"body":12345678901234567890}',
  '{"status":200,"body":"<\\/script>"}',
  // a member after the body, or the status again: the last one wins in JSON.parse
  '{"status":200,"body":{"a":1},"status":500}',
  '{"status":200,"body":1,"headers":{"set-cookie":"x=1"}}',
  '{"status":200,"body":{"a":1},"body":{"b":2}}',
  '{"status":200,"headers":{"x-a":"1"},"body":1,"headers":{"x-b":"2"}}',
  // what only looks like the end of the headers or the start of the body
  '{"status":200,"headers":{"x-a":"},\\"body\\":"},"body":2}',
  '{"status":200,"headers":{"x-a":"\\\\"},"body":3}',
  '{"status":200,"headers":{"x-a":"a\\"b"},"body":"c"}',
  '{"status":200,"headers":{"x-a":{"nested":"1"}},"body":1}',
  '{"status":200,"headers":["x"],"body":1}',
  '{"status":200,"headers":{"x-a":"1"}}',
  '{"status":200,"headers":{"x-a":"1"},"body":}',
  // statuses
  '{"status":0200,"body":1}',
  '{"status":200.5,"body":1}',
  '{"status":2e2,"body":1}',
  '{"status":1000,"body":1}',
  '{"status":101,"body":1}',
  '{"status":99,"body":1}',
  '{"status":-200,"body":1}',
  '{"status":"200","body":1}',
  // malformed, truncated, too deep
  '{"status":200,"body":{"a":1}',
  '{"status":200,"body":{"a":1}}}',
  '{"status":200,"body":}',
  '{"status":200,"body":{"a":1},}',
  '{"status":200,"body":{"a":1} x}',
  '{"status":200,"body":',
  '{"status":200}',
  '{"status":',
  '',
  `{"status":200,"body":${nest(MAX_RESULT_DEPTH - 1)}}`,
  `{"status":200,"body":${nest(MAX_RESULT_DEPTH)}}`,
  `{"status":200,"headers":{},"body":${nest(MAX_RESULT_DEPTH)}}`,
  // prototype keys and escapes go to the whole reading (its reviver drops __proto__)
  '{"status":200,"body":{"__proto__":{"polluted":true},"a":1}}',
  '{"status":200,"body":{"\\u005f_proto__":{"polluted":true}}}',
  '{"status":200,"headers":{"x-a":"\\u0041"},"body":"\\u00e9"}',
  // other key orders and spacing: read whole
  '{"body":1,"status":200}',
  '{ "status":200,"body":1}',
  '{"status" :200,"body":1}',
  '{"status":200 ,"body":1}',
];

describe('readRouteAnswer keeps the body text of an answer of the usual shape', () => {
  it('reads every answer as the whole reading does, and a kept body text is the body', () => {
    for (const text of CASES) {
      const read = outcome(() => readRouteAnswer(text));
      expect(read, text).toEqual(outcome(() => readWhole(text)));
      if ('thrown' in read) continue;
      const { bodyJson } = readRouteAnswer(text);
      if (bodyJson !== undefined) expect(JSON.parse(bodyJson), text).toEqual(read.body);
    }
  });

  it('keeps the body text of a literal answer and of the sdk json() shape, and not of others', () => {
    expect(readRouteAnswer('{"status":200,"body":{"hello":"world"}}').bodyJson).toBe('{"hello":"world"}');
    expect(
      readRouteAnswer('{"status":200,"headers":{"content-type":"application/json"},"body":[1]}').bodyJson,
    ).toBe('[1]');
    expect(readRouteAnswer('{"body":1,"status":200}').bodyJson).toBeUndefined();
    expect(readRouteAnswer('{"status":200,"body":{"__proto__":{"x":1}}}').bodyJson).toBeUndefined();
  });

  it('reads generated answers and their corruptions as the whole reading does', () => {
    let s = 17;
    const next = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const strings = ['', 'a', '"', '\\', '},"body":', '{', ']', 'é', '\n'];
    const value = (depth: number): unknown => {
      const k = next();
      if (depth > 2 || k < 0.3) return pick([null, true, 1, -0.5, pick(strings)]);
      if (k < 0.6) return Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 3) }, () => [pick(strings), value(depth + 1)]),
      );
    };
    for (let i = 0; i < 3000; i++) {
      const answer: Record<string, unknown> = { status: pick([200, 201, 204, 404, 502, 99, 600]) };
      if (next() < 0.5)
        answer.headers = Object.fromEntries([[pick(['x-a', 'content-type', 'a b']), pick(strings)]]);
      if (next() < 0.9) answer.body = value(0);
      let text = JSON.stringify(answer);
      if (next() < 0.4) {
        // a corruption: a character dropped, doubled or replaced
        const at = Math.floor(next() * text.length);
        const op = next();
        const c = pick(['}', '"', ',', '0', ' ', '\\', ']']);
        text =
          op < 0.33
            ? text.slice(0, at) + text.slice(at + 1)
            : op < 0.66
              ? text.slice(0, at) + text[at] + text.slice(at)
              : text.slice(0, at) + c + text.slice(at + 1);
      }
      const read = outcome(() => readRouteAnswer(text));
      expect(read, text).toEqual(outcome(() => readWhole(text)));
      if (!('thrown' in read)) {
        const { bodyJson } = readRouteAnswer(text);
        if (bodyJson !== undefined) expect(JSON.parse(bodyJson), text).toEqual(read.body);
      }
    }
  });
});

describe('splitRouteAnswer', () => {
  it('cuts the usual shapes into slices of the text', () => {
    expect(splitRouteAnswer('{"status":200,"body":{"a":1}}')).toEqual({
      status: 200,
      headersJson: undefined,
      bodyJson: '{"a":1}',
    });
    expect(splitRouteAnswer('{"status":404,"headers":{"x":"}"},"body":"b"}')).toEqual({
      status: 404,
      headersJson: '{"x":"}"}',
      bodyJson: '"b"',
    });
  });

  it('gives nothing for other shapes', () => {
    for (const text of [
      '{"status":0200,"body":1}',
      '{"status":2000,"body":1}',
      '{"status":,"body":1}',
      '{"status":200,"headers":{"x":{}},"body":1}',
      '{"status":200,"headers":{"x":"1"}}',
      '{"status":200,"body":}',
      '{"status":200,"body":1',
      '{"body":1,"status":200}',
    ])
      expect(splitRouteAnswer(text), text).toBeUndefined();
  });
});
