import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import {
  call,
  editStoppedStorage,
  GOOD_PASSWORD,
  securityPluginsDir,
} from '../../../tests/security/security-kernel.js';

/*
 * A crash between the two writes of a user creation (before they were one transaction) left a
 * username reserved with no user behind it: 409 "taken" forever. The plugin repairs such
 * reservations at activation, and audits each; creation and deletion are now one transaction.
 */

const S = '/api/v1/security';

describe('orphaned username reservations', () => {
  let pluginsDir: string;
  let dataDir: string;
  let k: TempKernel | undefined;
  const start = () => startTempKernel({ dataDir, plugins: { dirs: [pluginsDir], warmHosts: 0 } });

  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    dataDir = mkdtempSync(join(tmpdir(), 'omega-orphans-'));
    k = await start();
    expect(
      (await call(k, 'POST', `${S}/users`, { username: 'kept', password: GOOD_PASSWORD, roles: [] })).status,
    ).toBe(201);
    await k.stop();
    k = undefined;
    // What the crash left: the reservation written, the user not.
    await editStoppedStorage(dataDir, 'security', async (ns) => {
      await ns.set('usernames', 'ghost', { id: 'u-never-written' });
    });
  }, 120_000);

  afterAll(async () => {
    await k?.stop();
    removeDir(dataDir);
    removeDir(pluginsDir);
  });

  it('is removed and audited at activation; the name can be taken again; real users are untouched', async () => {
    k = await start();
    const audit = (await call(k, 'GET', `${S}/audit?action=user.name.repaired`)).body.items;
    expect(audit).toMatchObject([
      { actor: 'security', action: 'user.name.repaired', outcome: 'success', target: 'ghost' },
    ]);
    const ghost = await call(k, 'POST', `${S}/users`, {
      username: 'Ghost',
      password: GOOD_PASSWORD,
      roles: [],
    });
    expect(ghost.status).toBe(201);
    const kept = await call(k, 'POST', `${S}/users`, {
      username: 'kept',
      password: GOOD_PASSWORD,
      roles: [],
    });
    expect(kept.status).toBe(409);
    // Deleting a user frees its name in the same transaction.
    expect((await call(k, 'DELETE', `${S}/users/${ghost.body.id}`)).status).toBeLessThan(300);
    expect(
      (await call(k, 'POST', `${S}/users`, { username: 'ghost', password: GOOD_PASSWORD, roles: [] })).status,
    ).toBe(201);
    expect((await call(k, 'GET', `${S}/audit/verify`)).body.ok).toBe(true);
  }, 60_000);
});
