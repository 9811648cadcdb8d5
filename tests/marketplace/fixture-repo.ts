import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeUiIntegrity } from '@omega/protocol/archive';
import { CompactSign } from 'jose';
import type { OmegaError } from '../../kernel/errors/index.js';
import { computeIntegrity } from '../../kernel/plugins/index.js';
import {
  encodeArchive,
  PLUGIN_ARCHIVE_FORMAT,
  PLUGIN_ARCHIVE_FORMAT_UI,
  signingPayload,
} from '../../kernel/plugins/install/index.js';
import { generatePrivateJwk, loadSigningKey, type SigningKey } from '../../marketplace/metadata/index.js';
import {
  addPublisher,
  addRelease,
  bumpTimestamp,
  initRepository,
  type RoleKeys,
} from '../../marketplace/publish/index.js';

/** A fresh signing key. */
export const newKey = (): Promise<SigningKey> => loadSigningKey(generatePrivateJwk());

/** A marketplace repository built in a temp dir: 2-of-3 root, 1-of-1 timestamp and index, one publisher. */
export interface FixtureRepo {
  dir: string;
  rootKeys: SigningKey[];
  timestamp: RoleKeys;
  index: RoleKeys;
  publisherKey: SigningKey;
  /**
   * Packs a plugin (with `ui`: its UI files under the manifest's `ui.root`, sealed), adds it as a
   * release signed by `key` (default the publisher's) and bumps the timestamp.
   */
  release(
    manifest: Record<string, unknown>,
    code?: string,
    opts?: { key?: SigningKey; publisher?: string; ui?: Record<string, string> },
  ): Promise<void>;
  bump(): Promise<void>;
}

/** The default bundle: a plugin that activates and answers one route. */
export const OK_CODE = `export const plugin = { routes: { async hello() { return { status: 200, body: { hello: 'v1' } }; } } };\n`;

/**
 * Packs and signs (as `omega-plugin sign` + `pack` do) a plugin archive for a manifest + bundle,
 * and with `ui` the files under the manifest's `ui.root` (path under it → text), sealed in
 * `ui.integrity` (format /2, as pack writes a plugin with a UI).
 */
export async function packPlugin(
  manifest: Record<string, unknown>,
  code: string,
  key: SigningKey,
  ui?: Record<string, string>,
): Promise<Buffer> {
  const full: Record<string, unknown> = {
    version: '1.0.0',
    engines: { omega: '>=0.1.0' },
    main: 'plugin.js',
    integrity: computeIntegrity(Buffer.from(code)),
    ...manifest,
  };
  const root = String((manifest.ui as { root?: string } | undefined)?.root ?? 'ui');
  const uiFiles = Object.entries(ui ?? {}).map(([p, text]) => [p, Buffer.from(text)] as const);
  if (ui) full.ui = { root, ...(manifest.ui as object), integrity: computeUiIntegrity(new Map(uiFiles)) };
  const text = JSON.stringify(full, null, 2);
  const payload = signingPayload(String(full.name), String(full.version), text, Buffer.from(code));
  const jws = await new CompactSign(Buffer.from(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .sign(key.privateKey);
  const [h, , sig] = jws.split('.');
  return encodeArchive({
    format: ui ? PLUGIN_ARCHIVE_FORMAT_UI : PLUGIN_ARCHIVE_FORMAT,
    manifest: text,
    files: {
      [String(full.main)]: Buffer.from(code).toString('base64'),
      ...Object.fromEntries(uiFiles.map(([p, b]) => [`${root}/${p}`, b.toString('base64')])),
    },
    signature: `${h}..${sig}`,
  });
}

/** Writes a signed artifact file for a manifest + bundle (+ UI files, see packPlugin) and returns its path. */
export async function writeArtifact(
  dir: string,
  manifest: Record<string, unknown>,
  code: string,
  key: SigningKey,
  ui?: Record<string, string>,
): Promise<string> {
  const file = join(dir, `${String(manifest.name)}-${Math.random().toString(36).slice(2)}.omp`);
  writeFileSync(file, await packPlugin(manifest, code, key, ui));
  return file;
}

/** Builds a repository with 2-of-3 root keys and the publisher "acme". */
export async function createFixtureRepo(now = new Date()): Promise<FixtureRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-market-'));
  const rootKeys = [await newKey(), await newKey(), await newKey()];
  const timestamp = { keys: [await newKey()], threshold: 1 };
  const index = { keys: [await newKey()], threshold: 1 };
  const publisherKey = await newKey();
  await initRepository({ dir, root: { keys: rootKeys, threshold: 2 }, timestamp, index, now });
  await addPublisher({ dir, keys: index.keys, name: 'acme', publisherKeys: [publisherKey.publicJwk], now });
  const bump = async () => {
    await bumpTimestamp({ dir, keys: timestamp.keys });
  };
  await bump();
  return {
    dir,
    rootKeys,
    timestamp,
    index,
    publisherKey,
    bump,
    async release(manifest, code, opts = {}) {
      // the artifact is written outside the repository; addRelease copies it in
      const work = mkdtempSync(join(tmpdir(), 'omega-market-work-'));
      try {
        await addRelease({
          dir,
          keys: index.keys,
          artifactFile: await writeArtifact(
            work,
            manifest,
            code ?? OK_CODE,
            opts.key ?? publisherKey,
            opts.ui,
          ),
          publisher: opts.publisher ?? 'acme',
          publisherKey: opts.key ?? publisherKey,
        });
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      await bump();
    },
  };
}

/** The error a promise rejects with; fails the test when it resolves instead. */
export async function refusal(p: Promise<unknown>): Promise<OmegaError> {
  try {
    await p;
  } catch (err) {
    return err as OmegaError;
  }
  throw new Error('expected a refusal');
}
