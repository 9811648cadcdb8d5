import type { PluginContext } from '@omega/sdk';
import { describe, expect, it } from 'vitest';
import { emitOrPublish } from '../src/emit-or-publish.js';

/*
 * metrics 0.2.1 on a kernel without ctx.events.emit: each sample must still be published (the
 * ctx here is the older kernel's shape: publish only, its answer a promise).
 */

type Ctx = Pick<PluginContext, 'events' | 'log'>;

function olderCtx(fail: boolean) {
  const published: Array<[string, unknown]> = [];
  const warned: Array<[string, unknown]> = [];
  const ctx = {
    events: {
      publish: (topic: string, data: unknown) => {
        published.push([topic, data]);
        return fail
          ? Promise.reject(Object.assign(new Error('over budget'), { code: 'OMEGA_ERR_PLUGIN_LIMIT' }))
          : Promise.resolve({ seq: published.length });
      },
    },
    log: {
      warn: (msg: string, fields: unknown) => {
        warned.push([msg, fields]);
        return Promise.resolve();
      },
    },
  } as unknown as Ctx;
  return { ctx, published, warned };
}

describe('emitOrPublish', () => {
  it('publishes through ctx.events.publish when the kernel has no emit, and does not throw', async () => {
    const { ctx, published, warned } = olderCtx(false);
    const emit = emitOrPublish(ctx);
    expect(() => emit('metrics.sample', { n: 1 })).not.toThrow();
    emit('metrics.sample', { n: 2 });
    await new Promise((r) => setTimeout(r, 0));
    expect(published).toEqual([
      ['metrics.sample', { n: 1 }],
      ['metrics.sample', { n: 2 }],
    ]);
    expect(warned).toEqual([]);
  });

  it('logs a refused publish instead of leaving its promise unhandled', async () => {
    const { ctx, warned } = olderCtx(true);
    emitOrPublish(ctx)('metrics.sample', { n: 1 });
    await new Promise((r) => setTimeout(r, 0));
    expect(warned).toHaveLength(1);
    expect(warned[0]?.[0]).toBe('publish failed');
    expect(warned[0]?.[1]).toMatchObject({ topic: 'metrics.sample' });
  });

  it('uses ctx.events.emit where the kernel has it', () => {
    const { ctx, published } = olderCtx(false);
    const emitted: string[] = [];
    (ctx.events as unknown as { emit: (t: string) => void }).emit = (t) => void emitted.push(t);
    emitOrPublish(ctx)('metrics.sample', {});
    expect(emitted).toEqual(['metrics.sample']);
    expect(published).toEqual([]);
  });
});
