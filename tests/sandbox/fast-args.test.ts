import { HOST_CALLS, type HostCallName } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { FAST_ARGS } from '../../kernel/sandbox/fast-args.js';
import { parseUntrustedJson } from '../../kernel/sandbox/json-guard.js';

/** Arguments as the bridge sees them: JSON text from the isolate, parsed. */
const CASES: string[] = [
  '{"topic":"metrics.sample","data":{"cpu":0.5,"mem":[1,2,3]}}',
  '{"topic":"a","data":null}',
  '{"topic":"a","data":0}',
  '{"topic":"a","data":"text","extra":1}',
  `{"topic":"${'x'.repeat(256)}","data":1}`,
  `{"topic":"${'x'.repeat(257)}","data":1}`,
  `{"topic":"${'😀'.repeat(128)}","data":1}`,
  `{"topic":"${'😀'.repeat(129)}","data":1}`,
  `{"topic":"${'😀'.repeat(257)}","data":1}`,
  '{"topic":"\\ud800","data":1}',
  '{"topic":"","data":1}',
  '{"topic":"a"}',
  '{"data":1}',
  '{"topic":1,"data":1}',
  '{"topic":null,"data":1}',
  '{"topic":["a"],"data":1}',
  '{"__proto__":{"data":1},"topic":"a"}',
  '{"__proto__":{"topic":"a"},"data":1}',
  '[]',
  '["a",1]',
  'null',
  '"a"',
  '1',
];

describe('FAST_ARGS (hand-written argument checks tried before the zod schema)', () => {
  for (const [name, fast] of Object.entries(FAST_ARGS) as [HostCallName, (raw: unknown) => unknown][]) {
    it(`${name}: accepts only what the schema accepts, and returns what it returns`, () => {
      let accepted = 0;
      for (const text of CASES) {
        const fastOut = fast(parseUntrustedJson(text, 32));
        const zod = HOST_CALLS[name].args.safeParse(parseUntrustedJson(text, 32));
        if (fastOut === undefined) continue; // the schema decides, and words any error
        accepted++;
        expect(zod.success, text).toBe(true);
        expect(fastOut, text).toStrictEqual(zod.data);
        expect(Object.keys(fastOut as object), text).toEqual(Object.keys(zod.data as object));
      }
      // Not vacuous: the common shapes take the fast path.
      expect(accepted).toBeGreaterThanOrEqual(5);
    });
  }
});
