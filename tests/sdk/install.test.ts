import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeArchive,
  encodeArchive,
  trustedPublishersFile,
  trustPublisher,
} from '../../kernel/plugins/install/index.js';
import { buildPlugin, setManifestFields } from '../../sdk/src/build/index.js';
import { packPlugin } from '../../sdk/src/pack/index.js';
import { initPlugin } from '../../sdk/src/scaffold/index.js';
import { generatePublisherKey, signPlugin } from '../../sdk/src/sign/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

const SDK = join(import.meta.dirname, '..', '..', 'sdk');

describe('installing a packed plugin into a running kernel', () => {
  const work = mkdtempSync(join(tmpdir(), 'omega-install-'));
  const dir = join(work, 'greet');
  let k: TempKernel;
  let archive: Buffer;
  let trustedKey: string;
  let strangerKey: string;

  const install = (body: Uint8Array, query = '', token?: false) =>
    k.api(`/api/v1/plugins/install${query}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream' },
      ...(token === false ? { token: false } : {}),
    });
  const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

  async function packVersion(version: string, key: string): Promise<Buffer> {
    const path = join(dir, 'plugin.json');
    writeFileSync(path, setManifestFields(readFileSync(path, 'utf8'), { version }));
    // the type check is tests/sdk/type-check.test.ts's and tests/packaging's concern
    await buildPlugin(dir, { typecheck: false });
    await signPlugin(dir, key);
    return readFileSync((await packPlugin(dir, work)).file);
  }

  beforeAll(async () => {
    await initPlugin(work, 'greet');
    mkdirSync(join(dir, 'node_modules', '@omega'), { recursive: true });
    symlinkSync(SDK, join(dir, 'node_modules', '@omega', 'sdk'), 'dir');
    trustedKey = (await generatePublisherKey(work, 'trusted')).privateKeyFile;
    strangerKey = (await generatePublisherKey(work, 'stranger')).privateKeyFile;
    archive = await packVersion('1.0.0', trustedKey);
    k = await startTempKernel({ plugins: { dirs: [] } });
    await trustPublisher(
      trustedPublishersFile(k.dataDir),
      JSON.parse(readFileSync(join(work, 'trusted.public.jwk'), 'utf8')),
    );
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(work);
  });

  it('builds deterministically: the same source and layout give the same bundle and integrity', async () => {
    const first = await buildPlugin(dir, { typecheck: false });
    // esbuild's module markers are paths relative to the plugin folder: same layout, same bytes
    // (in the repository, plugins/<name> and sdk/ move together, so every clone agrees).
    const other = mkdtempSync(join(tmpdir(), 'omega-install-'));
    const copy = join(other, 'greet');
    cpSync(dir, copy, { recursive: true, dereference: false, verbatimSymlinks: true });
    const again = await buildPlugin(dir, { typecheck: false });
    const elsewhere = await buildPlugin(copy, { typecheck: false });
    expect(again.changed).toBe(false);
    expect(again.integrity).toBe(first.integrity);
    expect(elsewhere.integrity).toBe(first.integrity);
    expect(readFileSync(elsewhere.bundlePath, 'utf8')).not.toMatch(/^\s*import\s/m);
    removeDir(other);
  });

  it('refuses without a token, and without consent to the declared permissions (nothing written)', async () => {
    expect((await install(archive, '?grant=all', false)).status).toBe(401);
    const res = await install(archive);
    expect(res.status).toBe(409);
    const body = (await res.json()) as { code: string; permissions: string[] };
    expect(body.code).toBe('OMEGA_ERR_CONSENT_REQUIRED');
    expect(body.permissions).toEqual(['http:routes', 'storage']);
    expect(existsSync(join(k.dataDir, 'plugins', 'greet'))).toBe(false);
  });

  it('refuses a signature by an untrusted publisher, a tampered bundle and a tampered manifest', async () => {
    const stranger = await packVersion('1.0.0', strangerKey);
    const r1 = await install(stranger, '?grant=all');
    expect([r1.status, await codeOf(r1)]).toEqual([400, 'OMEGA_ERR_SIGNATURE_INVALID']);

    const doc = decodeArchive(archive);
    const bundle = Buffer.from(doc.files['plugin.js'] ?? '', 'base64').toString('utf8');
    const evil = {
      ...doc,
      files: { 'plugin.js': Buffer.from(`${bundle}\n// evil`).toString('base64') },
    };
    const r2 = await install(encodeArchive(evil), '?grant=all');
    expect([r2.status, await codeOf(r2)]).toEqual([400, 'OMEGA_ERR_MANIFEST_INVALID']);

    const widened = { ...doc, manifest: doc.manifest.replace('"storage"', '"storage", "timers"') };
    const r3 = await install(encodeArchive(widened), '?grant=all');
    expect([r3.status, await codeOf(r3)]).toEqual([400, 'OMEGA_ERR_SIGNATURE_INVALID']);

    const traversal = { ...doc, files: { ...doc.files, '../../evil.js': 'AA==' } };
    const r4 = await install(encodeArchive(traversal), '?grant=all');
    expect([r4.status, await codeOf(r4)]).toEqual([400, 'OMEGA_ERR_VALIDATION']);
    expect(existsSync(join(k.dataDir, 'plugins', 'greet'))).toBe(false);
  });

  it('refuses to install over a bundled plugin, which is a built source folder (dist/plugin.json)', async () => {
    const bundled = mkdtempSync(join(tmpdir(), 'omega-bundled-'));
    symlinkSync(dir, join(bundled, 'greet'), 'dir');
    const other = await startTempKernel({ plugins: { dirs: [bundled] } });
    try {
      await trustPublisher(
        trustedPublishersFile(other.dataDir),
        JSON.parse(readFileSync(join(work, 'trusted.public.jwk'), 'utf8')),
      );
      const res = await other.api('/api/v1/plugins/install?grant=all', {
        method: 'POST',
        body: archive,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect([res.status, await codeOf(res)]).toEqual([409, 'OMEGA_ERR_ALREADY_EXISTS']);
      expect(existsSync(join(other.dataDir, 'plugins', 'greet'))).toBe(false);
    } finally {
      await other.stop();
      removeDir(other.dataDir);
      removeDir(bundled);
    }
  });

  it('installs with partial consent as refused, then with full consent as running; the route answers', async () => {
    const partial = await install(archive, '?grant=http:routes');
    expect(partial.status).toBe(201);
    const p = (await partial.json()) as { missing: string[]; started: { status: string } };
    expect(p.missing).toEqual(['storage']);
    expect(p.started.status).toBe('refused');

    const full = await install(archive, '?grant=all');
    expect(full.status).toBe(201);
    expect(((await full.json()) as { started: { status: string } }).started.status).toBe('running');
    const grants = JSON.parse(readFileSync(join(k.dataDir, 'grants.json'), 'utf8'));
    expect(grants.greet).toEqual({ granted: ['http:routes', 'storage'], denied: [] });
    const hello = await k.api('/api/v1/greet/hello?name=bo');
    expect(await hello.json()).toEqual({ message: 'hello, bo', count: 1 });
  });

  it('upgrades in place while the kernel serves, and refuses a silent downgrade', async () => {
    // The operator narrowed who may call the route; an upgrade must not undo that decision.
    const narrowed = await k.api('/api/v1/plugins/greet/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: ['http:routes', 'storage'], routes: { 'GET /hello': 'greet:read' } }),
    });
    expect(narrowed.status).toBe(200);
    const v2 = await packVersion('2.0.0', trustedKey);
    const up = await install(v2, '?grant=all');
    expect(up.status).toBe(201);
    const grants = JSON.parse(readFileSync(join(k.dataDir, 'grants.json'), 'utf8'));
    expect(grants.greet.routes).toEqual({ 'GET /hello': 'greet:read' });
    expect((await k.api('/api/v1/greet/hello?name=bo', { token: false })).status).toBe(401);
    expect(await up.json()).toMatchObject({ version: '2.0.0', previousVersion: '1.0.0' });
    expect(((await (await k.api('/api/v1/plugins/greet')).json()) as { version: string }).version).toBe(
      '2.0.0',
    );
    // its storage survived the upgrade
    expect(await (await k.api('/api/v1/greet/hello?name=bo')).json()).toEqual({
      message: 'hello, bo',
      count: 2,
    });

    const down = await install(archive, '?grant=all');
    expect([down.status, await codeOf(down)]).toEqual([409, 'OMEGA_ERR_CONFLICT']);
    expect((await install(archive, '?grant=all&downgrade=true')).status).toBe(201);
  });
});
