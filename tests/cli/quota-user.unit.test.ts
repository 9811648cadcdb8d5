import { describe, expect, it } from 'vitest';
import { ApiError } from '../../cli/api-client.js';
import { UsageError } from '../../cli/command.js';
import { quotaText } from '../../cli/commands/sessions/quota-text.js';
import { quotaUser, type UserPage } from '../../cli/commands/sessions/quota-user.js';

/*
 * Newcomer walk: `omega sessions quota set user alice --cores 2` stored a quota keyed "alice",
 * but user quotas are keyed by the user's id (u-…): it applied to nobody, with exit 0.
 */
const pages: UserPage[] = [
  { items: [{ id: 'u-1', username: 'bob' }], nextCursor: 'c2' },
  { items: [{ id: 'u-2', username: 'alice' }] },
];
const listUsers = async (cursor?: string) => (cursor === 'c2' ? pages[1] : pages[0]) as UserPage;
const noSecurity = async (): Promise<UserPage> => {
  throw new ApiError('Not Found', 'OMEGA_ERR_NOT_FOUND', {}, 404);
};

describe('sessions quota: the user a quota is for', () => {
  it('finds a username on any page of the users and keys the quota by its id', async () => {
    expect(await quotaUser('alice', listUsers, true)).toEqual({ id: 'u-2', username: 'alice' });
    expect(quotaText('set', { scope: 'user', name: 'u-2', limits: { cores: 2 }, version: 1 }, 'alice')).toBe(
      'user alice (u-2): 2 cores (version 1)',
    );
  });

  it('takes a user id as it is, also when the users cannot be listed', async () => {
    expect(await quotaUser('u-9', noSecurity, true)).toEqual({ id: 'u-9' });
    expect(await quotaUser('u-9', listUsers, true)).toEqual({ id: 'u-9' });
    expect(await quotaUser('u-1', listUsers, true)).toEqual({ id: 'u-1' });
  });

  it('reads a name that starts with u- as a username first (the security plugin allows one)', async () => {
    const withUDash = async (cursor?: string): Promise<UserPage> =>
      cursor ? { items: [{ id: 'u-7', username: 'u-bob' }] } : { items: [], nextCursor: 'c2' };
    expect(await quotaUser('u-bob', withUDash, true)).toEqual({ id: 'u-7', username: 'u-bob' });
  });

  it('refuses to set a quota for a name that is no user, but for the admin token principal', async () => {
    await expect(quotaUser('carol', listUsers, true)).rejects.toThrow(UsageError);
    await expect(quotaUser('carol', listUsers, true)).rejects.toThrow(/^no user "carol"/);
    expect(await quotaUser('admin', listUsers, true)).toEqual({ id: 'admin' });
    // show and rm take a name that is no user's as it is (a quota stored under it is still found)
    expect(await quotaUser('carol', listUsers, false)).toEqual({ id: 'carol' });
  });

  it('takes the name as given, with a warning, when the users cannot be listed', async () => {
    const r = await quotaUser('carol', noSecurity, true);
    expect(r.id).toBe('carol');
    expect(r.warning).toMatch(/could not look up a user named "carol"/);
    expect((await quotaUser('admin', noSecurity, true)).warning).toMatch(/a user named "admin"/);
  });
});
