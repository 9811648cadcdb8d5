import { run } from './run.js';

/**
 * Makes sure a system user (no home, no login shell) exists and returns its uid and gid.
 * Safe when two suites race to create the same user: a failed useradd is followed by a
 * second look.
 */
export async function ensureSystemUser(name: string): Promise<{ uid: number; gid: number }> {
  const look = async () => {
    const u = await run('id', ['-u', name]);
    const g = await run('id', ['-g', name]);
    return u.code === 0 && g.code === 0
      ? { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) }
      : null;
  };
  const found = await look();
  if (found) return found;
  const r = await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  const after = await look();
  if (!after) throw new Error(`Could not create system user ${name}: ${r.stderr.trim()}`);
  return after;
}
