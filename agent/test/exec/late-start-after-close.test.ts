import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readSessionRecord } from '../../src/exec/state/session-record.js';
import { ensureShim } from '../../src/exec/supervisor/build-shim.js';
import {
  type Harness,
  type HarnessBase,
  harness,
  harnessBase,
  noCgroupSkipReason,
  running,
} from './exec-harness.js';

const reason = await noCgroupSkipReason();
if (reason) console.warn(`[agent/test/exec/late-start-after-close] SKIPPED: ${reason}`);

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * close() waits for starts under way for closeTimeoutMs only. A start that finishes after that
 * belongs to an executor that is gone: it must not watch the session or arm its deadline there
 * (a closed executor ending a session on its own), but leave it, recorded, to the next agent.
 */
describe.skipIf(reason !== null)(
  `a start that finishes after close() stopped waiting for it${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let helperDir = '';
    let base: HarnessBase | undefined;
    let h: Harness | undefined;
    let next: Harness | undefined;
    afterEach(async () => {
      await h?.cleanup().catch(() => {});
      await next?.cleanup();
      await rm(helperDir, { recursive: true, force: true });
      h = next = base = undefined;
    });

    it('is left running for the next agent, which adopts and ends it', async () => {
      // The real supervisor behind a gate: it launches once the test creates `go`.
      const real = await ensureShim(join(tmpdir(), 'omega-shim-test-bin'), quiet);
      if (!real) throw new Error('the supervisor did not build');
      helperDir = await mkdtemp(join(tmpdir(), 'omega-gated-shim-'));
      const gate = join(helperDir, 'go');
      const shim = join(helperDir, basename(real));
      await writeFile(shim, `#!/bin/sh\nwhile [ ! -e ${gate} ]; do sleep 0.02; done\nexec ${real} "$@"\n`);
      await chmod(shim, 0o700);

      base = await harnessBase();
      h = await harness(
        { cgroup: { mode: 'none' }, supervisor: 'helper', helperDir, closeTimeoutMs: 300 },
        base,
      );
      const start = h.ex.start({ id: 'late', command: '/bin/sleep', args: ['60'], timeLimitSec: 1 });
      await sleep(100);
      await h.ex.close(); // gives up on 'late' after 300 ms
      await writeFile(gate, '');
      const status = await start;
      expect(status.phase).toBe('running');
      const main = status.pid as number;

      // Past its 1 s time limit: a closed executor does not end it.
      await sleep(2_000);
      expect(await running(main)).toBe(true);
      expect((await readSessionRecord(join(base.dataDir, 'sessions', 'late')))?.status.phase).toBe('running');

      // The next agent adopts it and ends it for its time limit.
      next = await harness({ cgroup: { mode: 'none' }, supervisor: 'helper', helperDir }, base);
      await next.ex.adopt();
      expect((await next.ex.wait('late')).outcome).toBe('timed-out');
      expect(await running(main)).toBe(false);
    });
  },
);
