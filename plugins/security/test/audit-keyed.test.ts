import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel } from '../../../tests/helpers/temp-kernel.js';
import { call, editStoppedStorage, securityPluginsDir } from '../../../tests/security/security-kernel.js';
import { type AuditEntry, type AuditHead, auditId, canonicalEntry } from '../src/audit-log.js';

/*
 * The keyed audit chain against a disk editor: the trail of a stopped kernel is rewritten with
 * the kernel's own storage code (the editor knows the format and the hash, not the kernel key),
 * then the kernel restarts and /audit/verify must say what was done.
 */

const S = '/api/v1/security';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('keyed audit chain', () => {
  let pluginsDir: string;
  let pristine: string;
  const dirs: string[] = [];

  const start = (dataDir: string) =>
    startTempKernel({ dataDir, plugins: { dirs: [pluginsDir], warmHosts: 0 } });

  /** A copy of the pristine stopped data dir, for one tampering. */
  const copy = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'omega-audit-edit-'));
    dirs.push(d);
    cpSync(pristine, d, { recursive: true });
    return d;
  };

  /** Edits the security namespace of a stopped kernel's data dir with the storage code. */
  const edit = (dataDir: string, fn: Parameters<typeof editStoppedStorage>[2]) =>
    editStoppedStorage(dataDir, 'security', fn);

  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    const k = await start(mkdtempSync(join(tmpdir(), 'omega-audit-keyed-')));
    pristine = k.dataDir;
    dirs.push(pristine);
    for (const u of ['ann', 'bob', 'cid']) {
      const res = await call(k, 'POST', `${S}/users`, {
        username: u,
        password: 'correct horse battery staple',
        roles: [],
      });
      expect(res.status).toBe(201);
    }
    for (let i = 0; i < 3; i++)
      await call(k, 'POST', `${S}/login`, { username: 'ann', password: 'wrong' }, false);
    const v = (await call(k, 'GET', `${S}/audit/verify`)).body;
    expect(v).toMatchObject({ ok: true, keyed: true, keyedFrom: 1 });
    expect(v.entries).toBeGreaterThanOrEqual(6);
    await k.stop();
  }, 120_000);

  afterAll(() => {
    for (const d of dirs) removeDir(d);
    if (pluginsDir) removeDir(pluginsDir);
  });

  async function verifyAfterRestart(dataDir: string, query = '') {
    const k = await start(dataDir);
    try {
      return (await call(k, 'GET', `${S}/audit/verify${query}`)).body;
    } finally {
      await k.stop();
    }
  }

  it('an untouched trail verifies after a restart', async () => {
    expect(await verifyAfterRestart(copy())).toMatchObject({ ok: true, keyed: true });
  }, 60_000);

  it('an entry edited with every later hash and the head recomputed is detected', async () => {
    const dir = copy();
    await edit(dir, async (ns) => {
      const head = (await ns.get<AuditHead>('meta', 'audit-head'))!.value;
      let prev = '';
      for (let seq = 2; seq <= head.seq; seq++) {
        const e = (await ns.get<AuditEntry>('audit', auditId(seq)))!.value;
        if (seq === 2) e.actor = 'someone-innocent';
        else e.prev = prev;
        const { hash: _h, mac: _m, ...rest } = e;
        e.hash = sha256(canonicalEntry(rest));
        prev = e.hash;
        await ns.set('audit', auditId(seq), e);
      }
      await ns.set('meta', 'audit-head', { ...head, hash: prev });
    });
    const v = await verifyAfterRestart(dir);
    expect(v.ok).toBe(false);
    expect(v.broken).toEqual({ seq: 2, reason: 'MAC does not match (not written by this kernel)' });
  }, 60_000);

  it('the last entries deleted and the head moved back is detected', async () => {
    const dir = copy();
    let kept = 0;
    await edit(dir, async (ns) => {
      const head = (await ns.get<AuditHead>('meta', 'audit-head'))!.value;
      kept = head.seq - 3;
      for (let seq = kept + 1; seq <= head.seq; seq++) await ns.delete('audit', auditId(seq));
      const last = (await ns.get<AuditEntry>('audit', auditId(kept)))!.value;
      // The editor cannot make the head's MAC: it reuses the last entry's (a MAC it has).
      await ns.set('meta', 'audit-head', { seq: kept, hash: last.hash, keyedFrom: 1, mac: last.mac });
    });
    const v = await verifyAfterRestart(dir);
    expect(v.ok).toBe(false);
    expect(v.entries).toBe(kept);
    expect(v.broken.reason).toMatch(/head MAC does not match/);
  }, 60_000);

  it('a head MAC stripped to pass as a pre-keying trail is not adopted', async () => {
    const dir = copy();
    await edit(dir, async (ns) => {
      const head = (await ns.get<AuditHead>('meta', 'audit-head'))!.value;
      await ns.delete('audit', auditId(head.seq));
      const last = (await ns.get<AuditEntry>('audit', auditId(head.seq - 1)))!.value;
      await ns.set('meta', 'audit-head', { seq: head.seq - 1, hash: last.hash });
    });
    const v = await verifyAfterRestart(dir);
    expect(v.ok).toBe(false);
    expect(v.broken.reason).toMatch(/head MAC does not match/);
  }, 60_000);

  it('a checkpoint held outside shows a rollback to an older state the kernel itself wrote', async () => {
    // The trail grows by one entry and the kernel signs a checkpoint of it (what the plugin
    // publishes on security.audit.checkpoint), which an outside holder keeps.
    const k = await start(copy());
    let checkpoint: string;
    let full: number;
    try {
      await call(k, 'POST', `${S}/login`, { username: 'bob', password: 'wrong' }, false);
      const now = (await call(k, 'GET', `${S}/audit/verify`)).body;
      full = now.entries;
      checkpoint = await k.kernel.crypto.signJws(
        JSON.stringify({
          typ: 'omega.audit.checkpoint',
          seq: full,
          hash: now.head.hash,
          at: new Date().toISOString(),
        }),
      );
    } finally {
      await k.stop();
    }
    const rolledBack = copy(); // the state before that entry: every MAC and the head check out
    expect(await verifyAfterRestart(rolledBack)).toMatchObject({ ok: true });
    const v = await verifyAfterRestart(rolledBack, `?checkpoint=${encodeURIComponent(checkpoint)}`);
    expect(v.ok).toBe(false);
    expect(v.broken.reason).toBe(`trail truncated: a given checkpoint has ${full} entries`);
    const forged = await verifyAfterRestart(
      rolledBack,
      `?checkpoint=${encodeURIComponent(`${checkpoint}x`)}`,
    );
    // A checkpoint this kernel did not sign is the caller's bad input (400), not a broken trail.
    expect(forged).toMatchObject({
      status: 400,
      code: 'OMEGA_ERR_VALIDATION',
      errors: [{ field: 'checkpoint', message: 'checkpoint signature does not verify' }],
    });
  }, 120_000);
});
