import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readProcStat, runs } from '../../src/exec/proc/proc-stat.js';
import { SHIM_SOURCE } from '../../src/exec/supervisor/build-shim.js';
import { type Harness, harness, isRoot } from './exec-harness.js';

const reason = isRoot ? null : 'not root: sessions need root for their uids';
if (reason) console.warn(`[agent/test/exec/failed-after-launch] SKIPPED: ${reason}`);

/**
 * A start that fails after its supervisor reported the command running (its record could not be
 * written: a full disk) without a cgroup. Its processes are the tree below the supervisor: they
 * used to be left running, untracked, whenever the session's uid was a mapped account (only an
 * allocated uid's processes were killed, by uid), and the supervisor never was. The launcher here
 * is a stand-in for the real one (as in silent-launcher.ts): it starts a supervisor and a main
 * process below it (as the session's uid), makes the session's record unwritable (a directory where
 * the file goes), and reports `ok <main> <supervisor>` as the real one does. Its supervisor stays
 * once its main process is gone (the real one records the exit and leaves).
 */
describe.skipIf(reason !== null)(
  `a start that fails once its command runs${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let helperDir: string | undefined;
    let h: Harness | undefined;
    afterEach(async () => {
      for (const pid of await launchedPids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      await h?.cleanup();
      if (helperDir) await rm(helperDir, { recursive: true, force: true });
      helperDir = h = undefined;
    });
    const launchedPids = async () =>
      helperDir
        ? (await readFile(join(helperDir, 'launched'), 'utf8').catch(() => ''))
            .split(/\s+/)
            .filter(Boolean)
            .map(Number)
        : [];

    const open = async () => {
      helperDir = await mkdtemp(join(tmpdir(), 'omega-failed-shim-'));
      const hash = createHash('sha256')
        .update(await readFile(SHIM_SOURCE))
        .digest('hex')
        .slice(0, 16);
      const launched = join(helperDir, 'launched');
      await writeFile(
        join(helperDir, `omega-shim-${hash}`),
        [
          '#!/bin/sh',
          'PATH=/usr/bin:/bin',
          "cfg=$(tr '\\0' '\\n')",
          `uid=$(printf '%s\\n' "$cfg" | sed -n '/^uid$/{n;p;q}')`,
          `dir=$(printf '%s\\n' "$cfg" | sed -n '/^dir$/{n;p;q}')`,
          // the supervisor (root, a session of its own) and the main process below it, as the uid
          'setsid sh -c "setpriv --reuid=$uid --regid=$uid --clear-groups sleep 600 & wait; exec sleep 600" </dev/null >/dev/null 2>&1 &',
          'sup=$!',
          'main=""',
          'while [ -z "$main" ]; do main=$(cat /proc/$sup/task/$sup/children 2>/dev/null | tr -d " "); sleep 0.01; done',
          `echo "$sup $main" > ${launched}`,
          // the record cannot be written any more: a directory (not empty) where the file goes
          'rm -f "$dir/record.json"; mkdir -p "$dir/record.json/x"',
          'echo "ok $main $sup"',
          '',
        ].join('\n'),
      );
      await chmod(join(helperDir, `omega-shim-${hash}`), 0o700);
      h = await harness({ cgroup: { mode: 'none' }, supervisor: 'helper', helperDir });
      return h;
    };

    for (const [label, user] of [
      ['a mapped account', 'nobody'],
      ['an allocated uid', undefined],
    ] as const) {
      it(`kills the supervisor and main process it launched (${label}), leaves no session behind`, async () => {
        const h = await open();
        await expect(
          h.ex.start({ id: 'unrecorded', command: '/bin/true', ...(user ? { user } : {}) }),
        ).rejects.toThrow();
        const pids = await launchedPids();
        expect(pids).toHaveLength(2);
        for (const pid of pids) {
          const s = await readProcStat(pid);
          expect(s === null || !runs(s), `pid ${pid} still runs`).toBe(true);
        }
        expect(h.ex.has('unrecorded')).toBe(false);
        expect(await readdir(join(h.dataDir, 'sessions'))).toEqual([]);
        expect(await h.leftovers()).toEqual([]);
        await h.ex.close();
      });
    }
  },
);
