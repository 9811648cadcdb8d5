import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** An account as passwd describes it. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function parseLine(line: string): PasswdEntry | null {
  const f = line.split(':');
  if (f.length < 7) return null;
  const uid = Number(f[2]);
  const gid = Number(f[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return null;
  return { name: f[0]!, uid, gid, home: f[5]! };
}

/** Every account in a passwd file (local accounts only; see {@link lookupUser} for NSS). */
export async function readPasswd(path = '/etc/passwd'): Promise<PasswdEntry[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .map(parseLine)
    .filter((e): e is PasswdEntry => e !== null);
}

/** Finds an account by name or uid in the passwd file, then through NSS (`getent`, for LDAP/SSSD accounts). */
export async function lookupUser(
  user: string | number,
  passwdPath = '/etc/passwd',
): Promise<PasswdEntry | null> {
  const local = (await readPasswd(passwdPath)).find((e) =>
    typeof user === 'number' ? e.uid === user : e.name === user,
  );
  if (local) return local;
  try {
    const { stdout } = await run('getent', ['passwd', String(user)], { timeout: 5_000 });
    return parseLine(stdout.trim());
  } catch {
    return null;
  }
}
