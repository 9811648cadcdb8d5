import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { panelPage, writePanelPages } from '../../sdk/src/build/index.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { OMEGA_PLUGIN, runCli } from './run-cli.js';

const PLUGINS = join(import.meta.dirname, '..', '..', 'plugins');
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/* One page shell for every panel (panelPage), written from panel/<id>.html by `omega-plugin pages`. */
describe('panelPage: the shell every panel page shares', () => {
  it('links the bundles beside the page, titles it (escaped) and holds the body as written', () => {
    const page = panelPage({ title: 'CPU & <memory>', body: '<main id="m"><p>hi</p></main>' });
    expect(page.startsWith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(page).toContain('<title>CPU &amp; &lt;memory&gt;</title>');
    expect(page).toContain(
      '<link rel="stylesheet" href="./panel.css">\n<script src="./panel.js" defer></script>\n</head>',
    );
    expect(page).toContain('<body>\n<main id="m"><p>hi</p></main>\n</body>\n</html>\n');
    // nothing inline: the panel CSP (script-src/style-src 'self') refuses inline script and style
    expect(page).not.toMatch(/<script>|<style|style=/);
  });
});

describe('writePanelPages / omega-plugin pages', () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'omega-panel-pages-')));
  afterAll(() => removeDir(work));

  /** A plugin folder declaring `panels`, with page sources for the ids in `sources`. */
  function plugin(
    name: string,
    panels: Array<Record<string, unknown>>,
    sources: Record<string, string>,
  ): string {
    const dir = join(work, name);
    mkdirSync(join(dir, 'panel'), { recursive: true });
    writeFileSync(
      join(dir, 'plugin.json'),
      JSON.stringify({ name, version: '0.1.0', ui: { root: 'ui', entry: 'index.html', panels } }),
    );
    for (const [id, body] of Object.entries(sources)) writeFileSync(join(dir, 'panel', `${id}.html`), body);
    return dir;
  }

  it("writes each panel's page from its source with the manifest's title; leaves a panel without one alone", async () => {
    const dir = plugin(
      'gauge',
      [
        { id: 'usage', title: 'Usage', slot: 'dashboard', entry: 'panels/usage/index.html' },
        { id: 'own', title: 'Own', slot: 'dashboard', entry: 'panels/own/index.html' },
      ],
      { usage: '<p id="u">usage</p>\n' },
    );
    mkdirSync(join(dir, 'ui', 'panels', 'own'), { recursive: true });
    writeFileSync(join(dir, 'ui', 'panels', 'own', 'index.html'), '<!doctype html>\n<p>mine</p>\n');
    expect(await writePanelPages(dir)).toEqual([
      { id: 'usage', page: 'ui/panels/usage/index.html', changed: true },
    ]);
    expect(readFileSync(join(dir, 'ui', 'panels', 'usage', 'index.html'), 'utf8')).toBe(
      panelPage({ title: 'Usage', body: '<p id="u">usage</p>\n' }),
    );
    expect(readFileSync(join(dir, 'ui', 'panels', 'own', 'index.html'), 'utf8')).toBe(
      '<!doctype html>\n<p>mine</p>\n',
    );
    // the CLI, a second time: nothing to write
    const run = await runCli(OMEGA_PLUGIN, ['pages', dir], work);
    expect([run.code, run.stdout]).toEqual([0, 'usage: ui/panels/usage/index.html (unchanged)\n']);
  });

  it('refuses an entry outside ui.root and writes nothing there; a plugin without panels is a no-op', async () => {
    const dir = plugin('climb', [{ id: 'up', title: 'Up', slot: 'dashboard', entry: '../../escaped.html' }], {
      up: '<p>x</p>',
    });
    await expect(writePanelPages(dir)).rejects.toMatchObject({ code: 'OMEGA_ERR_MANIFEST_INVALID' });
    expect(existsSync(join(work, 'escaped.html'))).toBe(false);
    const run = await runCli(OMEGA_PLUGIN, ['pages', dir], work);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/not a file under ui\.root.*\[OMEGA_ERR_MANIFEST_INVALID\]/);
    const bare = join(work, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'plugin.json'), JSON.stringify({ name: 'bare', version: '0.1.0' }));
    expect(await writePanelPages(bare)).toEqual([]);
  });

  it.each([
    ['metrics', 'node-usage'],
    ['sessions', 'session-usage'],
  ])("%s: its panel's page, as its build:panel writes it, is the shell around panel/%s.html", (name, id) => {
    const dir = join(PLUGINS, name);
    const pkg = json(join(dir, 'package.json'));
    expect(pkg.scripts['build:panel']).toMatch(/&& omega-plugin pages$/);
    const manifest = json(join(dir, 'plugin.json'));
    const panel = manifest.ui.panels.find((p: { id: string }) => p.id === id);
    const page = readFileSync(join(dir, manifest.ui.root, panel.entry), 'utf8'); // npm test's pretest built it
    expect(page).toBe(
      panelPage({ title: panel.title, body: readFileSync(join(dir, 'panel', `${id}.html`), 'utf8') }),
    );
  });
});
