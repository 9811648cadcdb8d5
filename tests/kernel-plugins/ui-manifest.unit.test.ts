import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUiPath } from '@omega/protocol';
import { computeUiIntegrity, readUiFolder } from '@omega/protocol/archive';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { parseManifest } from '../../kernel/plugins/index.js';
import { manifestFor } from '../plugins/write-plugin.js';

const INTEGRITY = `sha512-${'A'.repeat(86)}==`;
const withUi = (ui: unknown) => JSON.stringify(manifestFor('demo', { ui }));
const uiField = (ui: unknown): string | undefined => {
  try {
    parseManifest(withUi(ui), 'plugin.json');
  } catch (err) {
    expect(hasErrorCode(err, 'OMEGA_ERR_MANIFEST_INVALID')).toBe(true);
    return (err as { extras: { field: string } }).extras.field;
  }
  return undefined;
};

describe('the manifest ui field', () => {
  it('defaults the entry and the immutable folders, and writes folders with one trailing slash', () => {
    expect(parseManifest(withUi({ root: 'dist/ui', integrity: INTEGRITY }), 'plugin.json').ui).toEqual({
      root: 'dist/ui',
      entry: 'index.html',
      integrity: INTEGRITY,
      immutable: ['assets/'],
      panelRoot: 'panels/',
      panels: [],
    });
    const m = parseManifest(
      withUi({ root: 'web/', entry: 'app/main.html', integrity: INTEGRITY, immutable: ['static', 'js/'] }),
      'plugin.json',
    );
    expect(m.ui).toMatchObject({ root: 'web', entry: 'app/main.html', immutable: ['static/', 'js/'] });
  });

  it('refuses roots and entries that leave the folder or hide files, a bad integrity, extra keys', () => {
    const cases: Array<[unknown, string]> = [
      [{ root: '../x', integrity: INTEGRITY }, 'ui.root'],
      [{ root: '/abs', integrity: INTEGRITY }, 'ui.root'],
      [{ root: 'a\\b', integrity: INTEGRITY }, 'ui.root'],
      [{ root: '.', integrity: INTEGRITY }, 'ui.root'],
      [{ root: 'ui', entry: '../plugin.json', integrity: INTEGRITY }, 'ui.entry'],
      [{ root: 'ui', entry: '.env', integrity: INTEGRITY }, 'ui.entry'],
      [{ root: 'ui', entry: 'a\u0000.html', integrity: INTEGRITY }, 'ui.entry'],
      [{ root: 'ui', integrity: 'sha256-abc' }, 'ui.integrity'],
      [{ root: 'ui', integrity: INTEGRITY, immutable: ['../'] }, 'ui.immutable[0]'],
      [{ root: 'ui', integrity: INTEGRITY, script: 'x' }, 'ui.script'],
      [{ root: 'dist', integrity: INTEGRITY }, 'ui.root'], // would serve main (dist/plugin.js)
    ];
    for (const [ui, field] of cases) expect([ui, uiField(ui)]).toEqual([ui, field]);
  });

  it('declares panels: where they go, what they may be shown and ask for; their files under panelRoot', () => {
    const panel = { id: 'cpu', title: 'CPU', slot: 'node-page', entry: 'panels/cpu.html' };
    const m = parseManifest(withUi({ root: 'ui', integrity: INTEGRITY, panels: [panel] }), 'plugin.json');
    expect(m.ui?.panels).toEqual([{ ...panel, topics: [], reads: [], actions: [] }]);
    const bad: Array<[unknown, string]> = [
      [{ ...panel, slot: 'top-bar' }, 'ui.panels[0].slot'],
      [{ ...panel, id: 'CPU!' }, 'ui.panels[0].id'],
      [{ ...panel, entry: 'cpu.html' }, 'ui.panels[0].entry'],
      [{ ...panel, topics: ['metrics..x'] }, 'ui.panels[0].topics[0]'],
      [{ ...panel, reads: ['https://evil.example/x'] }, 'ui.panels[0].reads[0]'],
      [{ ...panel, actions: ['rm -rf'] }, 'ui.panels[0].actions[0]'],
      [{ ...panel, script: 'x' }, 'ui.panels[0].script'],
    ];
    for (const [p, field] of bad)
      expect([p, uiField({ root: 'ui', integrity: INTEGRITY, panels: [p] })]).toEqual([p, field]);
    expect(uiField({ root: 'ui', integrity: INTEGRITY, panels: [panel, panel] })).toBe('ui.panels[1].id');
    expect(uiField({ root: 'ui', entry: 'panels/x.html', integrity: INTEGRITY })).toBe('ui.entry');
  });

  it('isUiPath accepts plain relative paths only', () => {
    for (const ok of ['index.html', 'assets/app-1a2B.js', 'a b/c.css'])
      expect([ok, isUiPath(ok)]).toEqual([ok, true]);
    for (const bad of [
      '',
      '/x',
      'a//b',
      '../x',
      'a/../b',
      './x',
      '.git/config',
      'a\\b',
      'a\u0000',
      'x/',
      'a\nb',
    ])
      expect([bad, isUiPath(bad)]).toEqual([bad, false]);
  });
});

describe('computeUiIntegrity and readUiFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'omega-ui-folder-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('covers every name and byte: a change, an addition, a rename each change it', () => {
    const files = new Map([
      ['index.html', Buffer.from('<p>1</p>')],
      ['assets/a.js', Buffer.from('1')],
    ]);
    const base = computeUiIntegrity(files);
    expect(base).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(computeUiIntegrity(new Map([...files].reverse()))).toBe(base);
    expect(computeUiIntegrity(new Map([...files, ['index.html', Buffer.from('<p>2</p>')]]))).not.toBe(base);
    expect(computeUiIntegrity(new Map([...files, ['x.css', Buffer.from('')]]))).not.toBe(base);
    expect(
      computeUiIntegrity(
        new Map([
          ['index.html', Buffer.from('<p>1</p>')],
          ['assets/b.js', Buffer.from('1')],
        ]),
      ),
    ).not.toBe(base);
  });

  it('reads a folder recursively, and refuses symbolic links and dot-files', async () => {
    const dir = join(root, 'ok');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), 'i');
    writeFileSync(join(dir, 'assets', 'a.js'), 'a');
    expect([...(await readUiFolder(dir)).keys()].sort()).toEqual(['assets/a.js', 'index.html']);

    const linked = join(root, 'linked');
    mkdirSync(linked);
    symlinkSync('/etc/hostname', join(linked, 'host.txt'));
    await expect(readUiFolder(linked)).rejects.toMatchObject({ code: 'OMEGA_ERR_MANIFEST_INVALID' });

    const dotted = join(root, 'dotted');
    mkdirSync(dotted);
    writeFileSync(join(dotted, '.env'), 'SECRET=1');
    await expect(readUiFolder(dotted)).rejects.toMatchObject({ code: 'OMEGA_ERR_MANIFEST_INVALID' });
  });
});
