import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../kernel/log/index.js';
import { callRoute, createSandbox, DEFAULT_PLUGIN_LIMITS, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

// Lower-severity red-team finding: log.write had no rate of its own, so a plugin could fill
// the kernel's log (disk, collectors) at the full host-call rate.
const CHATTY = `
export const plugin = {
  routes: {
    async flood(req, ctx) {
      const out = [];
      for (let i = 0; i < req.body.n; i++) out.push(await ctx.log.info('line ' + i));
      return { status: 200, body: out.filter((v) => v === null).length };
    },
  },
};`;

describe('plugin log lines are rate-limited', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = createSandbox({ logger: quietLogger() });
  });
  afterAll(async () => {
    await sb.close();
    expect(await childPids()).toEqual([]);
  });

  it('excess lines are dropped without failing the plugin, and counted in one warning', async () => {
    const records: { level: string; msg: string; dropped?: number }[] = [];
    const log = createLogger({
      level: 'debug',
      destination: { write: (s: string) => void records.push(JSON.parse(s)) },
    });
    const p = await startInline(sb, {
      name: 'chatty',
      code: CHATTY,
      permissions: ['http:routes', 'log'],
      services: { log },
    });
    const total = 2000;
    // Every call resolves (null), dropped or not.
    expect((await callRoute(p, 'flood', req({ body: { n: total } }))).body).toBe(total);
    const lines = () => records.filter((r) => r.msg.startsWith('line ')).length;
    expect(lines()).toBeLessThan(total);
    expect(lines()).toBeGreaterThanOrEqual(DEFAULT_PLUGIN_LIMITS.logLinesPerSec * 4);
    // A line that passes reports the lines dropped before it in one warning: write single
    // lines until one passes, then every line is accounted for.
    let attempted = total;
    for (let before = lines(); lines() === before; attempted++) {
      await callRoute(p, 'flood', req({ body: { n: 1 } }));
    }
    const warnings = records.filter((r) => r.msg === 'plugin log lines dropped (rate limit)');
    const dropped = warnings.reduce((sum, w) => sum + (w.dropped ?? 0), 0);
    expect(dropped).toBeGreaterThan(0);
    expect(lines() + dropped).toBe(attempted);
    expect(warnings.length).toBeLessThan(dropped / 10);
    expect(p.status()).toMatchObject({ state: 'running', restarts: 0 });
    await p.dispose();
  });
});
