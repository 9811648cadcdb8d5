import { describe, expect, it } from 'vitest';
import { ApiError } from '../../cli/api-client.js';
import { UsageError } from '../../cli/command.js';
import { quotaText } from '../../cli/commands/sessions/quota-text.js';
import { type FindUser, quotaUser } from '../../cli/commands/sessions/quota-user.js';

/*
 * Newcomer walk: `omega sessions quota set user alice --cores 2` stored a quota keyed "alice",
 * but user quotas are keyed by the user's id (u-…): it applied to nobody, with exit 0.
 */
const users = [
  { id: 'u-1', username: 'bob' },
  { id: 'u-2', username: 'alice' },
  { id: 'u-7', username: 'u-bob' },
];
// As the security plugin's `?username=` answers: case-insensitive, one user or none.
const findUser: FindUser = async (name) => users.find((u) => u.username === name.toLowerCase());
const noSecurity: FindUser = async () => {
  throw new ApiError('Not Found', 'OMEGA_ERR_NOT_FOUND', {}, 404);
};

describe('sessions quota: the user a quota is for', () => {
  it('finds a username and keys the quota by its id, naming the user as stored', async () => {
    expect(await quotaUser('alice', findUser, true)).toEqual({ id: 'u-2', username: 'alice' });
    expect(await quotaUser('Alice', findUser, true)).toEqual({ id: 'u-2', username: 'alice' });
    expect(quotaText('set', { scope: 'user', name: 'u-2', limits: { cores: 2 }, version: 1 }, 'alice')).toBe(
      'user alice (u-2): 2 cores (version 1)',
    );
  });

  it('takes a user id as it is, also when the users cannot be listed', async () => {
    expect(await quotaUser('u-9', noSecurity, true)).toEqual({ id: 'u-9' });
    expect(await quotaUser('u-9', findUser, true)).toEqual({ id: 'u-9' });
    expect(await quotaUser('u-1', findUser, true)).toEqual({ id: 'u-1' });
  });

  it('reads a name that starts with u- as a username first (the security plugin allows one)', async () => {
    expect(await quotaUser('u-bob', findUser, true)).toEqual({ id: 'u-7', username: 'u-bob' });
  });

  it('refuses to set a quota for a name that is no user, but for the admin token principal', async () => {
    await expect(quotaUser('carol', findUser, true)).rejects.toThrow(UsageError);
    await expect(quotaUser('carol', findUser, true)).rejects.toThrow(/^no user "carol"/);
    expect(await quotaUser('admin', findUser, true)).toEqual({ id: 'admin' });
    // show and rm take a name that is no user's as it is (a quota stored under it is still found)
    expect(await quotaUser('carol', findUser, false)).toEqual({ id: 'carol' });
  });

  it('takes the name as given, with a warning, when the users cannot be listed', async () => {
    const r = await quotaUser('carol', noSecurity, true);
    expect(r.id).toBe('carol');
    expect(r.warning).toMatch(/could not look up a user named "carol"/);
    expect((await quotaUser('admin', noSecurity, true)).warning).toMatch(/a user named "admin"/);
  });
});
