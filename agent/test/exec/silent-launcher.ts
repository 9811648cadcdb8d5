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
  /** Kills every launcher it started and removes its directory. */
  cleanup(): Promise<void>;
}

/** A helperDir whose `omega-shim-<hash>` records its pid, then sleeps without a word. */
export async function silentLauncher(): Promise<SilentLauncher> {
  const helperDir = await mkdtemp(join(tmpdir(), 'omega-silent-shim-'));
  const hash = createHash('sha256')
    .update(await readFile(SHIM_SOURCE))
    .digest('hex')
    .slice(0, 16);
  const pidFile = join(helperDir, 'launchers');
  const shim = join(helperDir, `omega-shim-${hash}`);
  await writeFile(shim, `#!/bin/sh\necho $$ >> ${pidFile}\nPATH=/usr/bin:/bin exec sleep 600\n`);
  await chmod(shim, 0o700);
  const pids = async () =>
    (await readFile(pidFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
  return {
    helperDir,
    pids,
    async cleanup() {
      for (const pid of await pids())
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      await rm(helperDir, { recursive: true, force: true });
    },
  };
}
