import { UsageError } from '../../command.js';
import { readSecret } from '../../read-secret.js';

/**
 * A new password for `username`, never from argv: typed twice at a terminal (not echoed), or the
 * whole of stdin with `--password-stdin` (its last newline dropped). Without either — stdin not a
 * terminal and no flag — a usage error: a script says where the password comes from.
 */
export async function newPassword(
  values: Readonly<Record<string, unknown>>,
  username: string,
): Promise<string> {
  const fromStdin = values['password-stdin'] === true;
  if (process.stdin.isTTY) {
    const first = await readSecret(`New password for ${username}: `);
    if (!first) throw new UsageError('no password given');
    if ((await readSecret('Again: ')) !== first)
      throw new UsageError('the two passwords differ; nothing was changed');
    return first;
  }
  if (!fromStdin)
    throw new UsageError(
      'stdin is not a terminal, so there is no prompt for the password: pipe it in with --password-stdin',
    );
  const password = await readSecret('');
  if (!password)
    throw new UsageError('no password given: --password-stdin read an empty stdin; pipe the password in');
  // walk: two lines became one password with a line break in it, which no sign-in form can type
  if (/[\r\n]/.test(password))
    throw new UsageError('--password-stdin read more than one line; pipe the password alone');
  return password;
}
