import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CommandOutcome,
  createCommandDispatcher,
  createOpTable,
  openCommandJournal,
} from '../../src/index.js';
import { createExecBackend } from '../../src/sessions/exec-backend.js';
import { registerSessionOps } from '../../src/sessions/register-session-ops.js';
import {
  type Harness,
  harness,
  harnessBase,
  hostileBinary,
  running,
  skipReason,
  waitFor,
} from './exec-harness.js';

/** A session that says `ready` once it traps TERM, then notes each SIGTERM (`term`) and carries on. */
const TERM_COUNTER = "trap 'echo term' TERM; echo ready; while :; do sleep 0.05; done";
const stdout = async (h: Harness, id: string): Promise<string> =>
  (await h.ex.logs(id, { stream: 'stdout' })).data.toString('utf8');

const reason = await skipReason();
if (reason) console.warn(`[agent/test/exec/terminate-while-starting] SKIPPED: ${reason}`);

const quiet = { info() {}, warn() {}, debug() {} };

/**
 * The agent's command path over a real executor: journal → dispatcher → session ops → exec
 * backend, as a kernel's `cmd` frames reach it; `outcome(id)` waits for a command's result.
 */
async function agentOps(h: Harness) {
  const journalDir = await mkdtemp(join(tmpdir(), 'omega-journal-'));
  const ops = createOpTable();
  registerSessionOps(ops, { exec: createExecBackend(h.ex) });
  const sent = new Map<string, CommandOutcome>();
  const d = createCommandDispatcher({
    ops,
    journal: openCommandJournal(join(journalDir, 'commands.jsonl')),
    log: quiet,
    send: (id, outcome) => sent.set(id, outcome),
  });
  return {
    d,
    outcome: (id: string) => waitFor(() => sent.get(id), `the result of ${id}`),
    removeJournal: () => rm(journalDir, { recursive: true, force: true }),
  };
}

/** The kernel's `session.start` args for a hostile `sleep` (runs until killed). */
const startArgs = (id: string, bin: string) => ({
  id,
  engine: 'exec',
  name: id,
  command: bin,
  args: ['sleep'],
  resources: { memoryBytes: 64 << 20 },
});

/**
 * A terminate that reaches the agent while the session's start is still under way (the kernel
 * cancelled a session whose start was on its way) used to be answered "no such session": the
 * kernel then took the session for never started and marked it cancelled, the start went on,
 * and once the agent stopped nobody ever stopped that session's supervisor and processes.
 */
describe.skipIf(reason !== null)(
  `a terminate sent while the session starts${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let bin: string;
    let h: Harness | undefined;
    let ops: Awaited<ReturnType<typeof agentOps>> | undefined;
    beforeAll(async () => {
      bin = await hostileBinary();
    });
    afterEach(async () => {
      // whatever the test got to, nothing of it keeps running: the commands' handlers finish
      // (a start included), what still runs in the uid range is killed (a termination stuck in
      // its grace then ends too), every session is terminated and the range swept once more
      if (ops) await waitFor(() => ops!.d.running() === 0, 'the commands to finish').catch(() => {});
      for (const pid of (await h?.leftovers()) ?? []) process.kill(pid, 'SIGKILL');
      await ops?.d.stop();
      await h?.cleanup();
      await ops?.removeJournal();
      h = undefined;
      ops = undefined;
    });

    it('waits for the start and ends the session: the answer is its terminated status, nothing is left', async () => {
      h = await harness();
      ops = await agentOps(h);
      ops.d.handle({ k: 'cmd', id: 'c-start', op: 'session.start', args: startArgs('racing', bin) });
      ops.d.handle({
        k: 'cmd',
        id: 'c-term',
        op: 'session.terminate',
        args: { id: 'racing', graceMs: 0, reason: 'cancelled while starting' },
      });
      const term = await ops.outcome('c-term');
      expect(term).toMatchObject({ ok: true, data: { phase: 'ended', outcome: 'terminated' } });
      expect(await ops.outcome('c-start')).toMatchObject({ ok: true });
      expect(h.ex.status('racing').phase).toBe('ended');
      expect(await h.leftovers()).toEqual([]);
    });

    it('still answers "no such session" when the start it waited for failed', async () => {
      h = await harness();
      ops = await agentOps(h);
      ops.d.handle({
        k: 'cmd',
        id: 'c-start',
        op: 'session.start',
        args: { ...startArgs('doomed', bin), cwd: '/nonexistent/omega-cwd' },
      });
      ops.d.handle({ k: 'cmd', id: 'c-term', op: 'session.terminate', args: { id: 'doomed', graceMs: 0 } });
      expect(await ops.outcome('c-start')).toMatchObject({ ok: false });
      expect(await ops.outcome('c-term')).toMatchObject({
        ok: false,
        error: { code: 'OMEGA_ERR_EXEC_NOT_FOUND' },
      });
    });

    it('an agent stopping meanwhile (commands interrupted) still ends it before its executor closes', async () => {
      h = await harness();
      ops = await agentOps(h);
      ops.d.handle({ k: 'cmd', id: 'c-start', op: 'session.start', args: startArgs('stopped', bin) });
      ops.d.handle({ k: 'cmd', id: 'c-term', op: 'session.terminate', args: { id: 'stopped', graceMs: 0 } });
      // the agent's stop: running commands are answered "interrupted", then the executor closes
      await ops.d.stop();
      expect(await ops.outcome('c-term')).toMatchObject({
        ok: false,
        error: { code: 'OMEGA_ERR_AGENT_INTERRUPTED' },
      });
      await h.ex.close();
      expect(await h.leftovers()).toEqual([]);
      const record = JSON.parse(
        await readFile(join(h.dataDir, 'sessions', 'stopped', 'record.json'), 'utf8'),
      );
      expect(record.status).toMatchObject({ phase: 'ended', outcome: 'terminated' });
    });

    it('closing within a termination’s grace leaves it to the next agent, which ends it after what is left of the grace, without a second SIGTERM', async () => {
      const base = await harnessBase();
      h = await harness({}, base);
      // It notes each SIGTERM on stdout and carries on: only the kill ends it.
      await h.ex.start({ id: 'stubborn', command: '/bin/sh', args: ['-c', TERM_COUNTER] });
      await waitFor(async () => (await stdout(h!, 'stubborn')).includes('ready'), 'the session to trap TERM');
      const ending = h.ex.terminate('stubborn', { graceMs: 2_000 });
      await waitFor(() => h!.ex.status('stubborn').phase === 'stopping', 'the termination to begin');
      await h.ex.close();
      expect((await ending).phase).toBe('stopping');
      const pid = h.ex.status('stubborn').pid!;
      expect(await running(pid)).toBe(true);
      const recordFile = join(base.dataDir, 'sessions', 'stubborn', 'record.json');
      const begun = JSON.parse(await readFile(recordFile, 'utf8')).terminate;
      expect(begun).toMatchObject({ graceMs: 2_000, signalledAtMs: expect.any(Number) });
      // the next agent process (the closed one is left as it is: its cleanup would terminate again)
      h = await harness({}, base);
      await h.ex.adopt();
      const end = await h.ex.wait('stubborn');
      expect(end).toMatchObject({ phase: 'ended', outcome: 'terminated' });
      expect(JSON.parse(await readFile(recordFile, 'utf8')).terminate.atMs).toBe(begun.atMs);
      expect(Date.parse(end.endedAt!)).toBeGreaterThanOrEqual(begun.atMs + 2_000);
      expect((await stdout(h, 'stubborn')).match(/^term$/gm)).toEqual(['term']);
      expect(await running(pid)).toBe(false);
      expect(await h.leftovers()).toEqual([]);
    });
  },
);
