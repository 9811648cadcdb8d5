import { runInNewContext } from 'node:vm';
import { CTX_SURFACE } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { PRELUDE_SOURCE } from '../../kernel/sandbox/host/prelude-source.js';

/*
 * What ctx.events.emit throws when the host does not send it, by what the host's `post` answers
 * (run-host.ts): 0 = too many bytes unsent, 2 = the host is stopping. The prelude runs here in a
 * fresh V8 context with the host's answers scripted; a real host is in events-emit.test.ts.
 */

type Api = {
  dispatch(id: number, kind: string, name: string, payload: string): void;
  install(p: unknown): string;
};

async function emitWhenPostAnswers(answer: number): Promise<unknown> {
  const results = new Map<number, string>();
  const post = (kind: number, id: number, _a: string, b: string): number => {
    if (kind === 1) return answer;
    results.set(id, b);
    return 0;
  };
  const factory = runInNewContext(PRELUDE_SOURCE) as (post: unknown, cfg: string) => Api;
  const api = factory(
    post,
    JSON.stringify({
      name: 'p',
      version: '1.0.0',
      maxCallChars: 65_536,
      maxResultChars: 65_536,
      surface: CTX_SURFACE,
    }),
  );
  const plugin = runInNewContext(`({
    routes: {
      async emit(req, ctx) {
        try { ctx.events.emit('demo.a', { n: 1 }); return { sent: true }; }
        catch (e) { return { code: e.code, message: e.message }; }
      },
    },
  })`);
  api.install(plugin);
  api.dispatch(1, 'activate', '', '');
  await new Promise((r) => setTimeout(r, 0));
  api.dispatch(2, 'route', 'emit', '{}');
  await new Promise((r) => setTimeout(r, 0));
  return JSON.parse(results.get(2) ?? 'null');
}

describe('ctx.events.emit refusals', () => {
  it('sent: returns nothing', async () => {
    expect(await emitWhenPostAnswers(1)).toEqual({ sent: true });
  });

  it('too many bytes unsent: OMEGA_ERR_PLUGIN_LIMIT', async () => {
    expect(await emitWhenPostAnswers(0)).toMatchObject({ code: 'OMEGA_ERR_PLUGIN_LIMIT' });
  });

  it('host stopping: OMEGA_ERR_PLUGIN_UNAVAILABLE, not "too many calls"', async () => {
    const out = (await emitWhenPostAnswers(2)) as { code: string };
    expect(out.code).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
  });
});
