import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseManifest } from '@omega/protocol';
import {
  computeIntegrity,
  computeUiIntegrity,
  decodeArchive,
  encodeArchive,
  PLUGIN_ARCHIVE_FORMAT,
  PLUGIN_ARCHIVE_FORMAT_UI,
} from '@omega/protocol/archive';
import { archivedPluginFiles, placePlugin } from '../kernel/plugins/install/index.js';
import { report } from './report.js';

/**
 * Installing a plugin with a UI from its archive (issue #19): decoding (gunzip, JSON, the scan for
 * a name given twice, path rules), checking the files against the manifest (canonical base64,
 * bounds, ui.integrity), and placing them (every file fsync'd, the UI loaded from the staging
 * folder). Each beside the same work without the UI, or without the new checks, in this run.
 */
const BUNDLE = randomBytes(200 * 1024);
const UI_FILES = 400;
const ui = new Map<string, Buffer>([['index.html', Buffer.from('<!doctype html><title>bench</title>')]]);
for (let i = 1; i < UI_FILES; i++) ui.set(`assets/chunk-${i}.js`, randomBytes(20 * 1024));
const uiBytes = [...ui.values()].reduce((n, b) => n + b.length, 0);

function archiveOf(withUi: boolean) {
  const text = JSON.stringify({
    name: 'bench',
    version: '1.0.0',
    engines: { omega: '>=0.1.0' },
    main: 'plugin.js',
    integrity: computeIntegrity(BUNDLE),
    ...(withUi ? { ui: { root: 'ui', integrity: computeUiIntegrity(ui) } } : {}),
  });
  const files: Record<string, string> = { 'plugin.js': BUNDLE.toString('base64') };
  if (withUi) for (const [p, b] of ui) files[`ui/${p}`] = b.toString('base64');
  return {
    bytes: encodeArchive({
      format: withUi ? PLUGIN_ARCHIVE_FORMAT_UI : PLUGIN_ARCHIVE_FORMAT,
      manifest: text,
      files,
    }),
    manifest: parseManifest(text, 'bench'),
  };
}

/** Median milliseconds of `n` runs of `fn`, after one warm-up run. */
async function median(fn: () => unknown, n = 9): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

const withUi = archiveOf(true);
const bare = archiveOf(false);
console.log(
  `archive: bundle ${BUNDLE.length} B + ${UI_FILES} UI files, ${uiBytes} B; ${withUi.bytes.length} B packed`,
);

const parseOnly = await median(() => JSON.parse(gunzipSync(withUi.bytes).toString('utf8')));
report({
  name: 'decodeArchive, UI archive',
  value: await median(() => decodeArchive(withUi.bytes)),
  unit: 'ms',
  baseline: { name: 'gunzip + JSON.parse alone', value: parseOnly },
});

const decoded = decodeArchive(withUi.bytes);
const decodedBare = decodeArchive(bare.bytes);
report({
  name: 'archivedPluginFiles, UI archive',
  value: await median(() => archivedPluginFiles(decoded, withUi.manifest, 'bench')),
  unit: 'ms',
  baseline: {
    name: 'bundle-only archive',
    value: await median(() => archivedPluginFiles(decodedBare, bare.manifest, 'bench')),
  },
});

const dir = await mkdtemp(join(tmpdir(), 'omega-bench-archive-'));
const publisher = { kid: 'bench' };
const files = archivedPluginFiles(decoded, withUi.manifest, 'bench');
const text = JSON.stringify(withUi.manifest);
const bareText = JSON.stringify(bare.manifest);
report({
  name: `placePlugin with ${UI_FILES} UI files`,
  value: await median(
    () =>
      placePlugin(join(dir, 'ui'), {
        manifest: withUi.manifest,
        manifestText: text,
        bundle: files.bundle,
        ...(files.ui ? { ui: files.ui } : {}),
        publisher,
      }),
    5,
  ),
  unit: 'ms',
  baseline: {
    name: 'placePlugin, bundle only',
    value: await median(
      () =>
        placePlugin(join(dir, 'bare'), {
          manifest: bare.manifest,
          manifestText: bareText,
          bundle: BUNDLE,
          publisher,
        }),
      5,
    ),
  },
});
await rm(dir, { recursive: true, force: true });
