import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshMetadata, trustRoot } from '../../marketplace/client/refresh-metadata.js';
import { type RootDoc, signDocument, TYP, unverifiedPayload } from '../../marketplace/metadata/index.js';
import { bumpTimestamp, rotateRoot, writeRepoDocument } from '../../marketplace/publish/index.js';
import { tempDirForTest } from '../helpers/temp-dir.js';
import { createFixtureRepo, type FixtureRepo, newKey, refusal } from './fixture-repo.js';
import { hostileServer } from './hostile-server.js';

type Server = Awaited<ReturnType<typeof hostileServer>>;

const DAY = 86_400_000;

describe('metadata attacks are refused, naming source, role, expected and actual', () => {
  let repo: FixtureRepo;
  let srv: Server;
  const read = (f: string) => readFileSync(join(repo.dir, f));
  /** A client that trusts the repository's current root and has refreshed once. */
  const client = async () => {
    const stateDir = tempDirForTest('omega-trust-');
    await trustRoot(stateDir, read('root.json').toString(), srv.url);
    await refreshMetadata({ location: srv.url, stateDir });
    return (now?: Date) => refreshMetadata({ location: srv.url, stateDir, ...(now ? { now } : {}) });
  };

  beforeAll(async () => {
    repo = await createFixtureRepo();
    await repo.release({ name: 'hello' });
    srv = await hostileServer(repo.dir);
  });
  afterAll(async () => {
    await srv?.close();
    if (repo) rmSync(repo.dir, { recursive: true, force: true });
  });

  it('tampered index: sha512 differs from the one the timestamp pins', async () => {
    const refresh = await client();
    const doc = JSON.parse(read('index.json').toString());
    const body = unverifiedPayload<{ plugins: Record<string, unknown> }>(doc);
    body.plugins = {};
    const forged = Buffer.from(
      JSON.stringify({ ...doc, payload: Buffer.from(JSON.stringify(body)).toString('base64url') }),
    );
    const padded = Buffer.concat([
      forged,
      Buffer.alloc(Math.max(0, read('index.json').length - forged.length), 0x20),
    ]).subarray(0, read('index.json').length);
    srv.serve('index.json', padded);
    const err = await refusal(refresh());
    srv.overrides.clear();
    expect(err.code).toBe('OMEGA_ERR_MARKETPLACE_UNTRUSTED');
    expect(err.extras).toMatchObject({ source: srv.url, role: 'index', reason: 'hash-mismatch' });
    expect(err.message).toContain('expected sha512-');
  });

  it('tampered index re-pinned by a stolen timestamp key still lacks the index signatures', async () => {
    const refresh = await client();
    const doc = JSON.parse(read('index.json').toString());
    const body = unverifiedPayload<{ version: number }>(doc);
    body.version += 1;
    const forged = Buffer.from(
      JSON.stringify({ ...doc, payload: Buffer.from(JSON.stringify(body)).toString('base64url') }),
    );
    const { computeIntegrity } = await import('../../kernel/plugins/index.js');
    const ts = unverifiedPayload<Record<string, unknown>>(JSON.parse(read('timestamp.json').toString()));
    const forgedTs = await signDocument(
      {
        ...ts,
        version: (ts.version as number) + 1,
        index: { version: body.version, length: forged.length, integrity: computeIntegrity(forged) },
      },
      repo.timestamp.keys,
      TYP.timestamp,
    );
    srv.serve('timestamp.json', JSON.stringify(forgedTs));
    srv.serve('index.json', forged);
    const err = await refusal(refresh());
    srv.overrides.clear();
    expect(err.extras).toMatchObject({
      role: 'index',
      reason: 'signature-threshold',
      expected: 'at least 1',
      actual: '0',
    });
  });

  it('mix-and-match: an older index served with the current timestamp', async () => {
    const oldIndex = read('index.json');
    await repo.release({ name: 'hello', version: '1.1.0' });
    const refresh = await client();
    srv.serve('index.json', oldIndex);
    const err = await refusal(refresh());
    srv.overrides.clear();
    expect(err.code).toBe('OMEGA_ERR_MARKETPLACE_UNTRUSTED');
    expect(err.extras).toMatchObject({ role: 'index' });
    expect(['hash-mismatch', 'length-mismatch']).toContain((err.extras as { reason: string }).reason);
  });

  it('timestamp replayed at an older version (rollback)', async () => {
    const oldTs = read('timestamp.json');
    await repo.bump();
    const refresh = await client();
    srv.serve('timestamp.json', oldTs);
    const err = await refusal(refresh());
    srv.overrides.clear();
    const v = unverifiedPayload<{ version: number }>(JSON.parse(oldTs.toString())).version;
    expect(err.extras).toMatchObject({
      role: 'timestamp',
      reason: 'rollback',
      expected: `>= ${v + 1}`,
      actual: String(v),
    });
  });

  it('index replayed at an older version (rollback), even when a timestamp pins it', async () => {
    const oldIndex = read('index.json');
    const oldVersion = unverifiedPayload<{ version: number }>(JSON.parse(oldIndex.toString())).version;
    await repo.release({ name: 'hello', version: '1.2.0' });
    const refresh = await client();
    const { computeIntegrity } = await import('../../kernel/plugins/index.js');
    const ts = unverifiedPayload<{ version: number; expires: string }>(
      JSON.parse(read('timestamp.json').toString()),
    );
    const replay = await signDocument(
      {
        ...ts,
        version: ts.version + 1,
        index: { version: oldVersion, length: oldIndex.length, integrity: computeIntegrity(oldIndex) },
      },
      repo.timestamp.keys,
      TYP.timestamp,
    );
    srv.serve('timestamp.json', JSON.stringify(replay));
    srv.serve('index.json', oldIndex);
    const err = await refusal(refresh());
    srv.overrides.clear();
    expect(err.extras).toMatchObject({ role: 'index', reason: 'rollback', actual: String(oldVersion) });
  });

  it('expired timestamp, expired index (freeze)', async () => {
    const refresh = await client();
    const ts = await refusal(refresh(new Date(Date.now() + 2 * DAY)));
    expect(ts.extras).toMatchObject({ role: 'timestamp', reason: 'expired' });
    await bumpTimestamp({ dir: repo.dir, keys: repo.timestamp.keys, expiresInSec: 100 * 86400 });
    const idx = await refusal(refresh(new Date(Date.now() + 40 * DAY)));
    expect(idx.extras).toMatchObject({ role: 'index', reason: 'expired' });
    expect(idx.message).toMatch(/expected expiry after .*, got 20/);
  });

  it('oversize and endless responses are cut off at the cap', async () => {
    const refresh = await client();
    srv.endless('timestamp.json');
    const endless = await refusal(refresh());
    expect(endless.code).toBe('OMEGA_ERR_MARKETPLACE_DOWNLOAD');
    expect(endless.extras).toMatchObject({
      role: 'timestamp',
      reason: 'too-large',
      expected: 'at most 16384 bytes',
    });
    srv.overrides.clear();
    srv.serve('index.json', Buffer.concat([read('index.json'), Buffer.alloc(1024, 0x20)]));
    const big = await refusal(refresh());
    expect(big.extras).toMatchObject({ role: 'index', reason: 'too-large' });
    srv.overrides.clear();
  });

  it('fewer valid root signatures than the threshold, including the same key twice', async () => {
    const refresh = await client();
    const root = unverifiedPayload<RootDoc>(JSON.parse(read('root.json').toString()));
    const next = { ...root, version: root.version + 1 };
    const [a] = repo.rootKeys;
    const once = await signDocument(next, [a!], TYP.root);
    await writeRepoDocument(repo.dir, `${next.version}.root.json`, once);
    const one = await refusal(refresh());
    expect(one.extras).toMatchObject({
      role: 'root',
      reason: 'signature-threshold',
      expected: 'at least 2',
      actual: '1',
    });
    const twice = { payload: once.payload, signatures: [once.signatures[0]!, once.signatures[0]!] };
    await writeRepoDocument(repo.dir, `${next.version}.root.json`, twice);
    const dup = await refusal(refresh());
    expect(dup.extras).toMatchObject({ role: 'root', reason: 'signature-threshold', actual: '1' });
    const { rm } = await import('node:fs/promises');
    await rm(join(repo.dir, `${next.version}.root.json`));
  });

  it('rotates root keys across two versions; the client walks the chain and drops the old keys', async () => {
    const refresh = await client();
    const old = repo.rootKeys;
    const v2keys = [await newKey(), await newKey()];
    const v3keys = [await newKey(), await newKey(), await newKey()];
    const ts2 = { keys: [await newKey()], threshold: 1 };
    const root = unverifiedPayload<RootDoc>(JSON.parse(read('root.json').toString()));
    // v2: signed by 2 of the 3 old keys AND 2 of 2 new ones; the timestamp key changes too.
    await rotateRoot({
      dir: repo.dir,
      previousVersion: root.version,
      roles: { root: { keys: v2keys, threshold: 2 }, timestamp: ts2, index: repo.index },
      signers: [old[0]!, old[2]!, ...v2keys],
    });
    // v3: signed by the v2 keys and 2 of the 3 v3 keys.
    await rotateRoot({
      dir: repo.dir,
      previousVersion: root.version + 1,
      roles: { root: { keys: v3keys, threshold: 2 }, timestamp: ts2, index: repo.index },
      signers: [...v2keys, v3keys[0]!, v3keys[1]!],
    });
    // The rotation re-signed the index and the timestamp with the new keys: no client is locked
    // out (issue #14.9: clients used to be refused until the owner ran `timestamp`).
    const m = await refresh();
    expect(m.timestamp.version).toBeGreaterThan(1);
    expect(m.root.version).toBe(root.version + 2);
    expect(m.root.roles.root.keys.sort()).toEqual(v3keys.map((k) => k.kid).sort());
    // A v4 signed by the original root keys (threshold met under v1, not under v3) is refused.
    const v4 = { ...m.root, version: m.root.version + 1 };
    await writeRepoDocument(repo.dir, `${v4.version}.root.json`, await signDocument(v4, old, TYP.root));
    const err = await refusal(refresh());
    expect(err.extras).toMatchObject({ role: 'root', reason: 'signature-threshold', actual: '0' });
    const { rm } = await import('node:fs/promises');
    await rm(join(repo.dir, `${v4.version}.root.json`));
    repo.timestamp.keys = ts2.keys;
  });

  it('refuses a root rotation without enough private keys for a role, before writing anything', async () => {
    const before = read('root.json').toString();
    const root = unverifiedPayload<RootDoc>(JSON.parse(before));
    const err = await rotateRoot({
      dir: repo.dir,
      previousVersion: root.version,
      roles: {
        root: { keys: [await newKey()], threshold: 1 },
        timestamp: { keys: [await newKey()], threshold: 2 },
        index: repo.index,
      },
      signers: [],
    }).catch((e: unknown) => e as { code: string; message: string });
    expect(err).toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
    expect((err as { message: string }).message).toContain('--timestamp-keys');
    expect(read('root.json').toString()).toBe(before);
  });
});
