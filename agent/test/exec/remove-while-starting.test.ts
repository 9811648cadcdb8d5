import { afterEach, describe, expect, it } from 'vitest';
import { createOpTable } from '../../src/index.js';
import { createExecBackend } from '../../src/sessions/exec-backend.js';
import { registerSessionOps } from '../../src/sessions/register-session-ops.js';
import { type Harness, harness, isRoot, waitFor } from './exec-harness.js';
import { type SilentLauncher, silentLauncher } from './silent-launcher.js';

const reason = isRoot ? null : 'not root: sessions need root for their uids';
if (reason) console.warn(`[agent/test/exec/remove-while-starting] SKIPPED: ${reason}`);

/**
 * `session.remove` of an id whose start is under way: the backend has() it (a terminate sent
 * meanwhile must wait for the start) but holds no session yet, and the executor's remove threw
 * OMEGA_ERR_EXEC_NOT_FOUND; the op answers as it did before, nothing removed.
 */
describe.skipIf(reason !== null)(
  `session.remove while the session starts${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let launcher: SilentLauncher | undefined;
    let h: Harness | undefined;
    afterEach(async () => {
      await launcher?.cleanup(); // the start still under way fails now, and undoes its steps
      await h?.cleanup();
      launcher = h = undefined;
    });

    it('answers { removed: false } and leaves the start alone', async () => {
      launcher = await silentLauncher();
      const l = launcher;
      h = await harness({ cgroup: { mode: 'none' }, supervisor: 'helper', helperDir: l.helperDir });
      const ops = createOpTable();
      registerSessionOps(ops, { exec: createExecBackend(h.ex) });
      const call = (op: string, args: unknown) =>
        ops.get(op)!(args, { id: `c-${op}`, op, signal: new AbortController().signal });

      const start = h.ex.start({ id: 'h', command: '/bin/true' }).catch((e: { code?: string }) => e.code);
      await waitFor(async () => (await l.pids()).length > 0, 'the launcher');
      expect(h.ex.has('h')).toBe(true);
      expect(await call('session.remove', { id: 'h' })).toEqual({ removed: false });
      expect(await call('session.remove', { id: 'nope' })).toEqual({ removed: false });
      expect(h.ex.has('h')).toBe(true);
      await l.cleanup();
      expect(await start).toBe('OMEGA_ERR_EXEC_SUPERVISOR');
    });
  },
);
