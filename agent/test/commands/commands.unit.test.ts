import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type CommandOutcome,
  createCommandDispatcher,
  createOpTable,
  INTERRUPTED,
  openCommandJournal,
} from '../../src/index.js';

const quiet = { info() {}, warn() {}, debug() {} };
/** A journal file in a fresh temp dir, removed when the test finishes. */
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-journal-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'commands.jsonl');
};

/** A dispatcher over a real journal file; `sent` collects every result it sends. */
function harness(path = file()) {
  const ops = createOpTable();
  const journal = openCommandJournal(path);
  const sent: Array<{ id: string; outcome: CommandOutcome }> = [];
  const d = createCommandDispatcher({
    ops,
    journal,
    log: quiet,
    send: (id, outcome) => sent.push({ id, outcome }),
  });
  return { ops, journal, sent, d, path };
}
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('commands: at most once per id, across reconnects and restarts', () => {
  it('runs a new id once; a repeated id gets the stored result and never runs again', async () => {
    const h = harness();
    let runs = 0;
    h.ops.register('count', () => ++runs);
    h.d.handle({ k: 'cmd', id: 'c1', op: 'count', args: {} });
    await settle();
    h.d.handle({ k: 'cmd', id: 'c1', op: 'count', args: {} });
    await settle();
    expect(runs).toBe(1);
    expect(h.sent).toEqual([
      { id: 'c1', outcome: { ok: true, data: 1 } },
      { id: 'c1', outcome: { ok: true, data: 1 } },
    ]);
    // After a restart (a new process reading the same journal) the id is still known.
    h.journal.close();
    const again = harness(h.path);
    again.ops.register('count', () => ++runs);
    again.d.handle({ k: 'cmd', id: 'c1', op: 'count', args: {} });
    await settle();
    expect(runs).toBe(1);
    expect(again.sent).toEqual([{ id: 'c1', outcome: { ok: true, data: 1 } }]);
  });

  it('a repeat while the command still runs is answered once it is done, not run twice', async () => {
    const h = harness();
    let runs = 0;
    let release: () => void = () => {};
    h.ops.register('slow', () => {
      runs++;
      return new Promise((r) => {
        release = () => r('done');
      });
    });
    h.d.handle({ k: 'cmd', id: 's1', op: 'slow', args: {} });
    h.d.handle({ k: 'cmd', id: 's1', op: 'slow', args: {} });
    expect(h.d.running()).toBe(1);
    await settle(); // the handler starts on a microtask: only then does `release` exist
    expect(h.sent).toEqual([]);
    release();
    await settle();
    expect(runs).toBe(1);
    expect(h.sent).toEqual([{ id: 's1', outcome: { ok: true, data: 'done' } }]);
  });

  it('a command begun by a process that died is closed as interrupted, never re-run', async () => {
    const path = file();
    writeFileSync(path, `${JSON.stringify({ b: 'x1', op: 'count', at: Date.now() })}\n{"torn`);
    const h = harness(path);
    let runs = 0;
    h.ops.register('count', () => ++runs);
    h.d.handle({ k: 'cmd', id: 'x1', op: 'count', args: {} });
    await settle();
    expect(runs).toBe(0);
    expect(h.sent).toEqual([{ id: 'x1', outcome: INTERRUPTED }]);
  });

  it('unknown ops, coded and uncoded failures, deadlines and oversized results each answer a coded error', async () => {
    const h = harness();
    h.ops.register('boom', () => {
      throw Object.assign(new Error('no such session'), { code: 'OMEGA_ERR_EXEC_NOT_FOUND' });
    });
    h.ops.register('oops', () => {
      throw new Error('plain');
    });
    h.ops.register(
      'hang',
      (_a, ctx) =>
        new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    h.ops.register('huge', () => 'x'.repeat(800 * 1024));
    h.d.handle({ k: 'cmd', id: 'u', op: 'nope', args: {} });
    h.d.handle({ k: 'cmd', id: 'b', op: 'boom', args: {} });
    h.d.handle({ k: 'cmd', id: 'o', op: 'oops', args: {} });
    h.d.handle({ k: 'cmd', id: 'h', op: 'hang', args: {}, deadlineMs: 30 });
    h.d.handle({ k: 'cmd', id: 'g', op: 'huge', args: {} });
    await new Promise((r) => setTimeout(r, 150));
    const code = (id: string) => {
      const o = h.sent.find((s) => s.id === id)?.outcome;
      return o && !o.ok ? o.error.code : undefined;
    };
    expect(code('u')).toBe('OMEGA_ERR_NOT_FOUND');
    expect(h.sent.find((s) => s.id === 'u')!.outcome).toMatchObject({
      error: { message: /boom, hang, huge, oops/ },
    });
    expect(code('b')).toBe('OMEGA_ERR_EXEC_NOT_FOUND');
    expect(code('o')).toBe('OMEGA_ERR_AGENT_COMMAND_FAILED');
    expect(code('h')).toBe('OMEGA_ERR_AGENT_COMMAND_TIMEOUT');
    expect(code('g')).toBe('OMEGA_ERR_AGENT_COMMAND_FAILED');
  });

  it('stays bounded: old ids are forgotten past the count limit, and the file is compacted', () => {
    const path = file();
    let t = 0;
    const j = openCommandJournal(path, { maxEntries: 50 }, () => ++t);
    for (let i = 0; i < 300; i++) {
      j.begin(`c${i}`, 'ping');
      j.finish(`c${i}`, { ok: true });
    }
    expect(j.size()).toBe(50);
    expect(j.get('c0')).toBeUndefined();
    expect(j.get('c299')?.outcome).toEqual({ ok: true });
    j.close();
    appendFileSync(path, '');
    const lines = readFileSync(path, 'utf8').trim().split('\n').length;
    expect(lines).toBeLessThan(2 * 50 + 1000);
    const reopened = openCommandJournal(path, { maxEntries: 50 }, () => ++t);
    expect(reopened.size()).toBe(50);
    const old = openCommandJournal(path, { maxAgeMs: 10 }, () => t + 1000);
    expect(old.size()).toBe(0);
  });

  it('the op table is extensible and refuses a duplicate or a bad name', () => {
    const ops = createOpTable();
    const undo = ops.register('session.start', () => 1);
    expect(() => ops.register('session.start', () => 2)).toThrow(/already/);
    expect(() => ops.register('Bad Name', () => 2)).toThrow(/invalid/);
    expect(ops.names()).toEqual(['session.start']);
    undo();
    expect(ops.get('session.start')).toBeUndefined();
  });
});
