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
import { jwkThumbprint } from '@omega/protocol/archive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeArchive,
  encodeArchive,
  trustedPublishersFile,
  trustPublisher,
} from '../../kernel/plugins/install/index.js';
import { attachMarketplace, type Plan } from '../../marketplace/index.js';
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
  type Refusal = { code: string; consent: string; plan: Plan };
  const hello = async () => (await k.api('/api/v1/greet/hello?name=bo')).json();

  async function packVersion(version: string, key: string, permissions?: string[]): Promise<Buffer> {
    const path = join(dir, 'plugin.json');
    let text = setManifestFields(readFileSync(path, 'utf8'), { version });
    if (permissions) {
      text = text.replace(/"permissions": \[[^\]]*\]/, `"permissions": ${JSON.stringify(permissions)}`);
      expect(JSON.parse(text).permissions).toEqual(permissions);
    }
    writeFileSync(path, text);
    await buildPlugin(dir, { typecheck: false }); // type checks: tests/sdk/build.test.ts, tests/packaging
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
    // The file install is the marketplace layer's route (it shares the consent rule and diff).
    attachMarketplace(k.kernel);
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

  it('refuses without a token, and without consent answers 409 with the plan and its digest (nothing written)', async () => {
    expect((await install(archive, '', false)).status).toBe(401);
    const res = await install(archive);
    expect(res.status).toBe(409);
    const body = (await res.json()) as Refusal;
    expect(body.code).toBe('OMEGA_ERR_CONSENT_REQUIRED');
    expect(body.plan.steps[0]?.diff).toMatchObject({
      added: ['http:routes', 'storage'],
      widened: [],
      escalating: true,
    });
    expect(body.consent).toBe(body.plan.consent);
    // `omega plugin upgrade FILE` of a plugin that is not installed says what to run instead
    const up = await install(archive, '?upgrade=true');
    expect(up.status).toBe(404);
    expect(((await up.json()) as { detail: string }).detail).toContain('omega plugin install ./FILE');
    expect(existsSync(join(k.dataDir, 'plugins', 'greet'))).toBe(false);
    // a dry run answers the same plan and writes nothing either
    const dry = await install(archive, '?dryRun=true');
    expect(dry.status).toBe(200);
    expect(((await dry.json()) as { plan: Plan }).plan.consent).toBe(body.consent);
    // a made-up digest is not an approval
    const wrong = await install(archive, `?consent=${'A'.repeat(43)}`);
    expect([wrong.status, await codeOf(wrong)]).toEqual([409, 'OMEGA_ERR_CONSENT_REQUIRED']);
    expect(existsSync(join(k.dataDir, 'plugins', 'greet'))).toBe(false);
  });

  it('refuses a signature by an untrusted publisher, a tampered bundle and a tampered manifest', async () => {
    const stranger = await packVersion('1.0.0', strangerKey);
    const r1 = await install(stranger);
    expect([r1.status, await codeOf(r1)]).toEqual([400, 'OMEGA_ERR_SIGNATURE_INVALID']);

    const doc = decodeArchive(archive);
    const bundle = Buffer.from(doc.files['plugin.js'] ?? '', 'base64').toString('utf8');
    const evil = {
      ...doc,
      files: { 'plugin.js': Buffer.from(`${bundle}\n// evil`).toString('base64') },
    };
    const r2 = await install(encodeArchive(evil));
    expect([r2.status, await codeOf(r2)]).toEqual([400, 'OMEGA_ERR_MANIFEST_INVALID']);

    const widened = { ...doc, manifest: doc.manifest.replace('"storage"', '"storage", "timers"') };
    const r3 = await install(encodeArchive(widened));
    expect([r3.status, await codeOf(r3)]).toEqual([400, 'OMEGA_ERR_SIGNATURE_INVALID']);

    const traversal = { ...doc, files: { ...doc.files, '../../evil.js': 'AA==' } };
    const r4 = await install(encodeArchive(traversal));
    expect([r4.status, await codeOf(r4)]).toEqual([400, 'OMEGA_ERR_VALIDATION']);
    expect(existsSync(join(k.dataDir, 'plugins', 'greet'))).toBe(false);
  });

  /*
   * A trust file from before small-order keys were refused may hold one (no API trusts it now):
   * under the identity point, R = identity and S = 0 verify for any archive. Each archive naming
   * such a key is refused at verify time, saying what to do.
   */
  it('refuses an archive signed by an already-trusted key of small order (a forged signature verifies under it)', async () => {
    const file = trustedPublishersFile(k.dataDir);
    const before = readFileSync(file, 'utf8');
    const weak = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: `AQ${'A'.repeat(41)}` };
    const kid = jwkThumbprint(weak);
    const doc = JSON.parse(before) as { publishers: unknown[] };
    doc.publishers.push({ kid, jwk: weak, addedAt: new Date().toISOString() });
    writeFileSync(file, JSON.stringify(doc));
    try {
      const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid })).toString('base64url');
      const forged = Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]).toString('base64url');
      const res = await install(
        encodeArchive({ ...decodeArchive(archive), signature: `${header}..${forged}` }),
      );
      const body = (await res.json()) as { code: string; detail: string };
      expect([res.status, body.code]).toEqual([400, 'OMEGA_ERR_SIGNATURE_INVALID']);
      expect(body.detail).toContain(`Publisher key ${kid} is a point of small order`);
      expect(existsSync(join(k.dataDir, 'plugins', 'greet'))).toBe(false);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('installs with the consent digest of its plan; the plugin runs with what was approved', async () => {
    const audited: Array<Record<string, unknown>> = [];
    const sub = k.kernel.bus.subscribe(['plugins.admin.install'], (batch) => {
      for (const e of batch) audited.push(e.data as Record<string, unknown>);
    });
    const { consent } = (await (await install(archive)).json()) as Refusal;
    const full = await install(archive, `?consent=${consent}`);
    expect(full.status).toBe(201);
    // The audit event names what the archive held (the request path does not).
    while (audited.length === 0) await new Promise((r) => setTimeout(r, 20));
    sub.unsubscribe();
    expect(audited).toEqual([
      expect.objectContaining({ actor: 'admin', plugin: 'greet', target: 'greet@1.0.0', status: 'success' }),
    ]);
    const fullBody = (await full.json()) as { started: { status: string } };
    expect(fullBody.started.status).toBe('running');
    const grants = JSON.parse(readFileSync(join(k.dataDir, 'grants.json'), 'utf8'));
    expect(grants.greet).toEqual({ granted: ['http:routes', 'storage'], denied: [] });
    expect(await hello()).toEqual({ message: 'hello, bo', count: 1 });
  });

  it('upgrades without asking when nothing new is asked for, keeping the operator decisions; refuses a silent downgrade', async () => {
    // The operator narrowed who may call the route; an upgrade must not undo that decision.
    const narrowed = await k.api('/api/v1/plugins/greet/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: ['http:routes', 'storage'], routes: { 'GET /hello': 'greet:read' } }),
    });
    expect(narrowed.status).toBe(200);
    const v2 = await packVersion('2.0.0', trustedKey);
    const audited: Array<Record<string, unknown>> = [];
    const sub = k.kernel.bus.subscribe(['plugins.admin.install'], (batch) => {
      for (const e of batch) audited.push(e.data as Record<string, unknown>);
    });
    const up = await install(v2, '?upgrade=true');
    expect(up.status).toBe(201);
    // The record says it was an upgrade, from which version (walk: it read as a fresh install).
    for (let i = 0; i < 250 && audited.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    sub.unsubscribe();
    expect(audited).toEqual([expect.objectContaining({ plugin: 'greet', target: 'greet@1.0.0→2.0.0' })]);
    const upBody = (await up.json()) as { version: string; previousVersion: string; plan: Plan };
    expect(upBody).toMatchObject({ version: '2.0.0', previousVersion: '1.0.0' });
    expect(upBody.plan.escalating).toBe(false);
    const grants = JSON.parse(readFileSync(join(k.dataDir, 'grants.json'), 'utf8'));
    expect(grants.greet.routes).toEqual({ 'GET /hello': 'greet:read' });
    expect((await k.api('/api/v1/greet/hello?name=bo', { token: false })).status).toBe(401);
    expect(((await (await k.api('/api/v1/plugins/greet')).json()) as { version: string }).version).toBe(
      '2.0.0',
    );
    // its storage survived the upgrade
    expect(await hello()).toEqual({ message: 'hello, bo', count: 2 });

    const down = await install(archive);
    expect([down.status, await codeOf(down)]).toEqual([409, 'OMEGA_ERR_CONFLICT']);
    expect((await install(archive, '?downgrade=true')).status).toBe(201);
    expect((await install(v2)).status).toBe(201);
  });

  it('an upgrade that adds a capability waits for its diff to be approved; the old version serves meanwhile', async () => {
    const v3 = await packVersion('3.0.0', trustedKey, ['http:routes', 'storage', 'timers']);
    const refused = await install(v3, '?upgrade=true');
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as Refusal;
    expect(body.plan.steps[0]).toMatchObject({ from: '2.0.0', to: '3.0.0' });
    expect(body.plan.steps[0]?.diff).toMatchObject({ added: ['timers'], removed: [], escalating: true });
    // still 2.0.0, still serving, nothing placed
    expect(((await (await k.api('/api/v1/plugins/greet')).json()) as { version: string }).version).toBe(
      '2.0.0',
    );
    expect(await hello()).toEqual({ message: 'hello, bo', count: 3 });
    // a consent for another plan (the v1 install's) does not carry over
    const other = (await (await install(archive, '?dryRun=true&downgrade=true')).json()) as { plan: Plan };
    expect((await install(v3, `?consent=${other.plan.consent}`)).status).toBe(409);
    const ok = await install(v3, `?upgrade=true&consent=${body.consent}`);
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { granted: string[] }).granted).toEqual([
      'http:routes',
      'storage',
      'timers',
    ]);
    expect(await hello()).toEqual({ message: 'hello, bo', count: 4 });
  });

  it('a release signed by another publisher key is an escalation too', async () => {
    await trustPublisher(
      trustedPublishersFile(k.dataDir),
      JSON.parse(readFileSync(join(work, 'stranger.public.jwk'), 'utf8')),
    );
    const v4 = await packVersion('4.0.0', strangerKey, ['http:routes', 'storage', 'timers']);
    const res = await install(v4);
    expect(res.status).toBe(409);
    const { plan } = (await res.json()) as Refusal;
    expect(plan.steps[0]?.diff.added).toEqual([]);
    expect(plan.steps[0]?.diff.publisher?.from?.kid).toBeTruthy();
    expect(plan.steps[0]?.diff.publisher?.to.kid).not.toBe(plan.steps[0]?.diff.publisher?.from?.kid);
  });

  it("a refused plugin's routes answer 503 with the reason, not 404", async () => {
    const put = await k.api('/api/v1/plugins/greet/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: ['http:routes'] }),
    });
    expect(put.status).toBe(200);
    const view = (await (await k.api('/api/v1/plugins/greet/reload', { method: 'POST' })).json()) as {
      status: string;
      reasons: Array<{ code: string; message: string }>;
    };
    expect(view.status).toBe('refused');
    // The operator sees why in the plugin's view…
    expect(view.reasons[0]?.code).toBe('OMEGA_ERR_PLUGIN_NOT_GRANTED');
    expect(view.reasons[0]?.message).toContain('not granted');
    // …its public route (no credentials read) says only that it is refused: the reasons name
    // the grants file's path (tests/kernel-plugins/refused-public-route.test.ts).
    const res = await k.api('/api/v1/greet/hello?name=bo');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { code: string; state: string; reasons?: unknown };
    expect([body.code, body.state, body.reasons]).toEqual([
      'OMEGA_ERR_PLUGIN_UNAVAILABLE',
      'refused',
      undefined,
    ]);
    // granted again: the same route answers again
    await k.api('/api/v1/plugins/greet/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: ['http:routes', 'storage', 'timers'] }),
    });
    expect((await k.api('/api/v1/plugins/greet/enable', { method: 'POST' })).status).toBe(200);
    expect((await k.api('/api/v1/greet/hello?name=bo')).status).toBe(200);
  });
});
