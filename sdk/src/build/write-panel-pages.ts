import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { omegaError } from '@omega/protocol';
import { panelPage } from './panel-page.js';
import { SOURCE_MANIFEST } from './plugin-layout.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Where a panel's page source lives, relative to the plugin folder: its `<body>` markup. */
export const PANEL_PAGE_SOURCE = 'panel/{id}.html';

/** One page {@link writePanelPages} considered. */
export interface PanelPageWritten {
  /** The panel's id. */
  id: string;
  /** The page, relative to the plugin folder (`<ui.root>/<entry>`). */
  page: string;
  /** False when the page already held exactly this (nothing written). */
  changed: boolean;
}

interface DeclaredPanel {
  id?: unknown;
  title?: unknown;
  entry?: unknown;
}

/**
 * Writes the page of each panel declared under `ui.panels` in `dir`'s plugin.json that has a page
 * source `panel/<id>.html` (its `<body>` markup): {@link panelPage} with the panel's `title`, into
 * `<ui.root>/<entry>`, so every panel shares one shell. Run it before `omega-plugin build` seals
 * `ui/` (`npm run build:panel`). A panel without a source keeps the page its author wrote. Refuses
 * (OMEGA_ERR_MANIFEST_INVALID) an entry outside `ui.root` or a panel without an id, title or entry.
 */
export async function writePanelPages(dir: string): Promise<PanelPageWritten[]> {
  const manifestPath = join(dir, SOURCE_MANIFEST);
  const doc = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    ui?: { root?: unknown; panels?: unknown };
  };
  const ui = doc.ui;
  if (!ui || typeof ui.root !== 'string' || !Array.isArray(ui.panels)) return [];
  const root = resolve(dir, ui.root);
  const written: PanelPageWritten[] = [];
  for (const [i, p] of (ui.panels as DeclaredPanel[]).entries()) {
    const field = `ui.panels[${i}]`;
    if (typeof p.id !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(p.id))
      throw omegaError(
        'OMEGA_ERR_MANIFEST_INVALID',
        `${manifestPath}: ${field}.id must be a panel id ([a-z][a-z0-9-]*).`,
        {
          file: manifestPath,
          field: `${field}.id`,
        },
      );
    const source = join(dir, PANEL_PAGE_SOURCE.replace('{id}', p.id));
    const body = await readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (body === undefined) continue;
    if (typeof p.title !== 'string' || typeof p.entry !== 'string')
      throw omegaError(
        'OMEGA_ERR_MANIFEST_INVALID',
        `${manifestPath}: ${field} needs a title and an entry for its page.`,
        {
          file: manifestPath,
          field,
        },
      );
    const page = resolve(root, p.entry);
    const under = relative(root, page);
    if (under === '' || under.startsWith('..') || isAbsolute(under))
      throw omegaError(
        'OMEGA_ERR_MANIFEST_INVALID',
        `${manifestPath}: ${field}.entry "${p.entry}" is not a file under ui.root (${ui.root}).`,
        { file: manifestPath, field: `${field}.entry` },
      );
    const html = panelPage({ title: p.title, body });
    const current = await readFile(page, 'utf8').catch(() => undefined);
    const changed = current !== html;
    if (changed) await writeFileAtomic(page, html);
    written.push({ id: p.id, page: relative(dir, page), changed });
  }
  return written;
}
