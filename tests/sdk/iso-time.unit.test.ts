import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../sdk/src/time/iso-time.js';

describe('isoTime', () => {
  it('writes what Date.prototype.toISOString writes', () => {
    const times = [
      0,
      1,
      -1,
      999,
      1000,
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2024, 1, 29, 12, 0, 0, 7),
      Date.UTC(2000, 1, 29),
      Date.UTC(1900, 2, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10_000, 0, 1),
      Date.UTC(-1, 0, 1),
      Date.UTC(-271_821, 3, 20),
      8.64e15,
      -8.64e15,
      1_765_000_000_123.9,
    ];
    let seed = 11;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      times.push(Math.floor((seed / 2_147_483_648 - 0.3) * 1e13));
    }
    for (const t of times) expect(isoTime(t)).toBe(new Date(t).toISOString());
  });

  it('throws a RangeError for an invalid time, as toISOString does', () => {
    for (const t of [Number.NaN, 8.64e15 + 1, Number.POSITIVE_INFINITY]) {
      expect(() => new Date(t).toISOString()).toThrow(RangeError);
      expect(() => isoTime(t)).toThrow(RangeError);
    }
  });
});

describe('the core plugins and ICU', () => {
  // V8's first Date#toISOString/toJSON/toString/toUTCString in an isolate maps ~640 KB of ICU's
  // time zone names into the plugin host for its life (the core plugins write times with
  // isoTime), a localeCompare ~2.2 MB of collation data, Intl its locale data.
  it('call no Date method that sets up local time zone names, and no locale collation or Intl', () => {
    const root = join(import.meta.dirname, '..', '..', 'plugins');
    const offenders: string[] = [];
    for (const plugin of readdirSync(root)) {
      const src = join(root, plugin, 'src');
      if (!existsSync(src)) continue;
      for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
        if (!f.endsWith('.ts')) continue;
        const code = readFileSync(join(src, f), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
        if (
          /\.(toISOString|toJSON|toUTCString|toTimeString|toDateString|toLocale\w*String|localeCompare)\(|\bIntl\./.test(
            code,
          )
        )
          offenders.push(`${plugin}/src/${f}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
