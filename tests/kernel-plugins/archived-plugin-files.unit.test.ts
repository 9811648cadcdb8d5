import { parseManifest } from '@omega/protocol';
import {
  computeIntegrity,
  computeUiIntegrity,
  decodeArchive,
  MAX_UI_BYTES,
  MAX_UI_FILES,
  PLUGIN_ARCHIVE_FORMAT_UI,
  type PluginArchive,
} from '@omega/protocol/archive';
import { describe, expect, it } from 'vitest';
import { archivedPluginFiles } from '../../kernel/plugins/install/index.js';

const BUNDLE = Buffer.from('export const plugin = {};\n');
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/** A manifest sealing `ui` (path under ui/ → bytes) and the archive carrying exactly those files. */
function archiveOf(ui: Map<string, Buffer>): {
  archive: PluginArchive;
  manifest: ReturnType<typeof parseManifest>;
} {
  const text = JSON.stringify({
    name: 'dials',
    version: '1.0.0',
    engines: { omega: '>=0.1.0' },
    main: 'plugin.js',
    integrity: computeIntegrity(BUNDLE),
    permissions: [],
    ui: { root: 'ui', entry: 'index.html', integrity: computeUiIntegrity(ui) },
  });
  const files: Record<string, string> = { 'plugin.js': b64(BUNDLE) };
  for (const [p, body] of ui) files[`ui/${p}`] = b64(body);
  return {
    archive: { format: PLUGIN_ARCHIVE_FORMAT_UI, manifest: text, files },
    manifest: parseManifest(text, 'x'),
  };
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err as { code: string; message: string; extras?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
};

describe('archivedPluginFiles: the files an archive carries, as its manifest allows them', () => {
  const page = new Map([['index.html', Buffer.from('<!doctype html>')]]);

  it('returns the bundle and the UI files keyed under ui.root when they match the integrities', () => {
    const { archive, manifest } = archiveOf(page);
    const out = archivedPluginFiles(archive, manifest, 'test');
    expect(out.bundle.equals(BUNDLE)).toBe(true);
    expect([...(out.ui ?? new Map()).keys()]).toEqual(['index.html']);
  });

  it(`refuses more than ${MAX_UI_FILES} files and more than ${MAX_UI_BYTES} bytes, naming the file it stopped at`, () => {
    const many = new Map([
      ...page,
      ...Array.from({ length: MAX_UI_FILES }, (_, i) => [`f/${i}`, Buffer.from('x')] as const),
    ]);
    const tooMany = refusal(() =>
      archivedPluginFiles(archiveOf(many).archive, archiveOf(many).manifest, 'test'),
    );
    expect(tooMany.code).toBe('OMEGA_ERR_MANIFEST_INVALID');
    expect(tooMany.message).toMatch(new RegExp(`more than ${MAX_UI_FILES} UI files \\(at ui/`));
    expect(String(tooMany.extras?.path)).toMatch(/^ui\//);
    const half = Buffer.alloc(MAX_UI_BYTES / 2 + 1, 0x61);
    const big = new Map([...page, ['a.bin', half] as const, ['b.bin', half] as const]);
    const tooBig = refusal(() =>
      archivedPluginFiles(archiveOf(big).archive, archiveOf(big).manifest, 'test'),
    );
    expect([tooBig.code, tooBig.extras?.path]).toEqual(['OMEGA_ERR_MANIFEST_INVALID', 'ui/b.bin']);
    expect(tooBig.message).toMatch(/exceed/);
  });

  it('refuses base64 another decoder could read differently, and a name that is a file and a folder', () => {
    const { archive, manifest } = archiveOf(page);
    const loose = {
      ...archive,
      files: { ...archive.files, 'ui/index.html': `${archive.files['ui/index.html']}!` },
    };
    expect(refusal(() => archivedPluginFiles(loose, manifest, 'test')).message).toMatch(
      /ui\/index\.html is not canonical base64/,
    );
    const both = { ...archive, files: { ...archive.files, 'plugin.js/x.html': b64('x') } };
    const conflict = refusal(() => archivedPluginFiles(both, manifest, 'test'));
    expect(conflict.message).toMatch(/neither the bundle nor a UI file/);
    const nested = new Map([...page, ['a', Buffer.from('1')] as const, ['a/b', Buffer.from('2')] as const]);
    const twice = refusal(() =>
      archivedPluginFiles(archiveOf(nested).archive, archiveOf(nested).manifest, 'test'),
    );
    expect(twice.message).toMatch(/holds ui\/a both as a file and as the folder of ui\/a\/b/);
  });
});

describe('decodeArchive refuses a name given twice in one object, however it is spelled', () => {
  const doc = (files: string) =>
    Buffer.from(`{"format":"${PLUGIN_ARCHIVE_FORMAT_UI}","manifest":"{}","files":{${files}}}`);

  it('plain, escaped (\\/ and \\u0061), and beside keys holding quotes and backslashes', () => {
    expect(Object.keys(decodeArchive(doc('"ui/a":"AA==","ui/b":"AA=="')).files)).toEqual(['ui/a', 'ui/b']);
    for (const files of [
      '"ui/a":"AA==","ui/a":"AQ=="',
      '"ui/a":"AA==","ui\\/a":"AQ=="',
      '"ui/a":"AA==","ui/\\u0061":"AQ=="',
      '"ui/x\\"y":"AA==","ui/a":"AA==","ui/a":"AA=="',
    ]) {
      const err = refusal(() => decodeArchive(doc(files)));
      expect([files, err.code]).toEqual([files, 'OMEGA_ERR_VALIDATION']);
      expect(err.message).toContain('"ui/a" appears twice');
    }
    // the same name in two different objects is no repetition
    const nested = Buffer.from(
      `{"format":"${PLUGIN_ARCHIVE_FORMAT_UI}","manifest":"{\\"files\\":1}","files":{"files":"AA==","ui/\\\\":"AA=="}}`,
    );
    expect(refusal(() => decodeArchive(nested)).message).toMatch(/file path "ui\/\\" is not allowed/);
  });
});
