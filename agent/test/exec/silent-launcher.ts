import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIM_SOURCE } from '../../src/exec/supervisor/build-shim.js';

/** A supervisor that never reports (a launcher blocked before exec: a binary or cwd on a dead NFS mount). */
export interface SilentLauncher {
  /** Pass as the executor's `helperDir` (with `supervisor: 'helper'`). */
  helperDir: string;
  /** Pids of the launchers started so far (still running unless something killed them). */
  pids(): Promise<number[]>;
  /**
   * Pids of what the launchers left: a child (root) and, when the config names a uid, an orphan
   * running as it; what a launch killed on its timeout leaves behind unless the start's undo kills it.
   */
  children(): Promise<number[]>;
  /** Kills every launcher it started (and every child they left) and removes its directory. */
  cleanup(): Promise<void>;
}

/** A helperDir whose `omega-shim-<hash>` leaves its processes, records its pid, then sleeps without a word. */
export async function silentLauncher(): Promise<SilentLauncher> {
  const helperDir = await mkdtemp(join(tmpdir(), 'omega-silent-shim-'));
  const hash = createHash('sha256')
    .update(await readFile(SHIM_SOURCE))
    .digest('hex')
    .slice(0, 16);
  const pidFile = join(helperDir, 'launchers');
  const shim = join(helperDir, `omega-shim-${hash}`);
  const childFile = join(helperDir, 'children');
  // Like the real launcher, it leaves processes that outlive it: a child of its own (a supervisor
  // still root) and an orphan run as the session's uid (read from the config on stdin; a main
  // process that double-forked), each in a session of its own.
  await writeFile(
    shim,
    [
      '#!/bin/sh',
      'PATH=/usr/bin:/bin',
      `uid=$(tr '\\0' '\\n' | sed -n '/^uid$/{n;p;q}')`,
      'setsid sleep 600 </dev/null >/dev/null 2>&1 &',
      `echo $! >> ${childFile}`,
      'if [ -n "$uid" ]; then',
      '  p=$(setsid setpriv --reuid="$uid" --regid="$uid" --clear-groups sleep 600 </dev/null >/dev/null 2>&1 & echo $!)',
      `  echo $p >> ${childFile}`,
      // its pid is recorded once the orphan runs as the uid: what waits for it sees both in place
      '  while [ -e /proc/$p ] && ! grep -q "^Uid:[[:space:]]*$uid[[:space:]]" /proc/$p/status; do sleep 0.01; done',
      'fi',
      `echo $$ >> ${pidFile}`,
      'exec sleep 600',
      '',
    ].join('\n'),
  );
  await chmod(shim, 0o700);
  const read = async (file: string) =>
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
  const pids = () => read(pidFile);
  const children = () => read(childFile);
  return {
    helperDir,
    pids,
    children,
    async cleanup() {
      for (const pid of [...(await pids()), ...(await children())])
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      await rm(helperDir, { recursive: true, force: true });
    },
  };
}
