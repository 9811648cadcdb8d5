import type { PluginContext } from '@omega/sdk';
import { describe, expect, it } from 'vitest';
import { CommandChannel } from '../src/commands/command-channel.js';

/*
 * An agent's `result` frame carried its error text to session reasons, problem details and
 * terminals raw (its reports were cleaned, its results not: last stop's left list). The error's
 * code and message are one printable line now; the data stays the caller's to read as it is.
 */
describe('a command result from an agent', () => {
  it('has its error made printable; its data is passed on as it came', async () => {
    const sent: unknown[] = [];
    const ctx = {
      agents: {
        send: async (_node: string, frame: unknown) => {
          sent.push(frame);
          return { delivered: true };
        },
      },
      log: { warn: async () => {} },
    } as unknown as PluginContext;
    const channel = new CommandChannel(ctx);
    const now = Date.now();
    const failed = channel.run(
      'sessions',
      { node: 'n-1', id: 'c1', op: 'exec', args: {}, timeoutMs: 60_000 },
      now,
      () => '',
    );
    const done = channel.run(
      'sessions',
      { node: 'n-1', id: 'c2', op: 'logs', args: {}, timeoutMs: 60_000 },
      now,
      () => '',
    );
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(2);
    channel.settle(
      'n-1',
      {
        id: 'sessions/c1',
        ok: false,
        error: { code: 'EXEC\u001b[2J', message: 'spawn\r\nfailed\u0007 here\u009b31m' },
      },
      now,
    );
    channel.settle(
      'n-1',
      { id: 'sessions/c2', ok: true, data: { text: 'line 1\nline 2\t\u001b[1mbold' } },
      now,
    );
    const blank = channel.run(
      'sessions',
      { node: 'n-1', id: 'c3', op: 'exec', args: {}, timeoutMs: 60_000 },
      now,
      () => '',
    );
    await new Promise((r) => setImmediate(r));
    channel.settle(
      'n-1',
      { id: 'sessions/c3', ok: false, error: { code: '\u001b\u0007', message: 'x' } },
      now,
    );
    expect((await blank).error?.code).toBe('OMEGA_ERR_INTERNAL');
    const r1 = await failed;
    expect(r1.error).toEqual({ code: 'EXEC [2J', message: 'spawn failed  here 31m' });
    // JSON shows a control character as \u00XX or \n, \r, …
    expect(JSON.stringify(r1)).not.toMatch(/\\[bfnrtu]/);
    expect((await done).data).toEqual({ text: 'line 1\nline 2\t\u001b[1mbold' });
  });
});
