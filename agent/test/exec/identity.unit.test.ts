import { describe, expect, it } from 'vitest';
import { resolveIdentity } from '../../src/exec/identity/resolve-identity.js';
import { UidAllocator } from '../../src/exec/identity/uid-allocator.js';

describe('session identity', () => {
  it('allocates uids round-robin, skipping accounts and uids held by live sessions, and says when none is left', async () => {
    const lo = 3_990_000;
    const a = new UidAllocator([lo, lo + 3], [lo + 1]); // lo+1 is an account in passwd
    expect(await a.allocate()).toBe(lo);
    expect(await a.allocate()).toBe(lo + 2);
    a.release(lo);
    expect(await a.allocate()).toBe(lo + 3); // released uids are reused as late as possible
    expect(await a.allocate()).toBe(lo);
    await expect(a.allocate()).rejects.toMatchObject({ code: 'OMEGA_ERR_EXEC_UID_EXHAUSTED' });
    a.reserve(lo + 9); // outside the range: ignored
    expect(a.inRange(lo + 3)).toBe(true);
    expect(a.inRange(lo + 4)).toBe(false);
  });

  it('never hands out a uid a live process runs as', async () => {
    const self = process.getuid!(); // this very process runs as it
    const a = new UidAllocator([self, self], []);
    await expect(a.allocate()).rejects.toMatchObject({ code: 'OMEGA_ERR_EXEC_UID_EXHAUSTED' });
  });

  it('without root, runs sessions as the agent’s own user and refuses any other', async () => {
    const policy = { root: false, minUid: 1000, allocator: null };
    const me = await resolveIdentity(undefined, policy);
    expect([me.uid, me.allocated]).toEqual([process.getuid!(), false]);
    await expect(resolveIdentity('nobody', policy)).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_IDENTITY',
    });
  });

  it('as root, needs a user or a uid range', async () => {
    await expect(
      resolveIdentity(undefined, { root: true, minUid: 1000, allocator: null }),
    ).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_IDENTITY',
    });
    const numeric = await resolveIdentity(4_123_456, { root: true, minUid: 1000, allocator: null });
    expect([numeric.uid, numeric.gid, numeric.name]).toEqual([4_123_456, 4_123_456, null]); // an unnamed uid is its own group
  });
});
