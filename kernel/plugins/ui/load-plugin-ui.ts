import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { PluginManifest } from '@omega/protocol';
import { computeUiIntegrity, readUiFolder } from '@omega/protocol/archive';
import { hasErrorCode, omegaError } from '../../errors/index.js';
import { hasFrameMarkup, PANEL_GUARD_JS, PANEL_GUARD_NAME, withPanelGuard } from './panel-guard.js';
import type { PluginUi, UiAsset } from './plugin-ui.js';
import { uiContentType } from './ui-content-type.js';

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/**
 * Reads the UI a manifest declares (`ui.root` under the plugin folder `dir`) into memory and
 * verifies it against `ui.integrity`; undefined when the manifest declares none. From then on
 * the kernel serves these bytes, never the disk, so a file changed after load is never served.
 * OMEGA_ERR_MANIFEST_INVALID when the folder is missing, leads outside `dir`, holds a file it
 * may not (see readUiFolder), lacks the entry page, or does not match the integrity.
 */
export async function loadPluginUi(
  dir: string,
  manifest: PluginManifest,
  manifestPath: string,
): Promise<PluginUi | undefined> {
  const ui = manifest.ui;
  if (!ui) return undefined;
  const invalid = (message: string) =>
    omegaError('OMEGA_ERR_MANIFEST_INVALID', `${manifestPath}: ${message}`, {
      file: manifestPath,
      field: 'ui',
    });
  let root: string;
  try {
    root = await realpath(join(dir, ui.root));
  } catch (err) {
    throw invalid(
      `the UI folder ${ui.root} cannot be read (${errno(err)}); build the plugin's UI (e.g. npm run build), or reinstall it.`,
    );
  }
  const rel = relative(await realpath(dir), root);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw invalid(`the UI folder ${ui.root} leads outside the plugin folder.`);
  }
  let raw: Map<string, Buffer>;
  try {
    raw = await readUiFolder(root);
  } catch (err) {
    if (hasErrorCode(err)) throw invalid(err.message);
    throw invalid(`the UI folder ${ui.root} cannot be read (${errno(err) ?? String(err)}).`);
  }
  if (computeUiIntegrity(raw) !== ui.integrity) {
    throw invalid(
      `the UI files under ${ui.root} do not match ui.integrity (changed after the build or signing?); rebuild and repack the plugin, or reinstall it.`,
    );
  }
  for (const page of [ui.entry, ...ui.panels.map((p) => p.entry)]) {
    if (!raw.has(page)) throw invalid(`the UI page ${page} is not under ${ui.root}.`);
  }
  const files = new Map<string, UiAsset>();
  let bytes = 0;
  const isPanelPage = (path: string) => path.startsWith(ui.panelRoot) && /\.html?$/i.test(path);
  for (const [path, verified] of raw) {
    let body: Uint8Array = verified;
    if (isPanelPage(path)) {
      // The guard runs first in every panel page (WebRTC; see panel-guard.ts).
      const html = verified.toString('utf8');
      if (hasFrameMarkup(html))
        throw invalid(
          `the panel page ${path} contains frame markup (iframe, object, embed…); a panel may not make child frames.`,
        );
      body = Buffer.from(withPanelGuard(html, `/ui/${manifest.name}/${ui.panelRoot}${PANEL_GUARD_NAME}`));
    }
    bytes += body.length;
    files.set(path, {
      body,
      type: uiContentType(path),
      etag: `"${createHash('sha256').update(body).digest('base64url')}"`,
      immutable: ui.immutable.some((prefix) => path.startsWith(prefix)),
    });
  }
  if (ui.panels.length > 0) {
    const guard = Buffer.from(PANEL_GUARD_JS);
    files.set(`${ui.panelRoot}${PANEL_GUARD_NAME}`, {
      body: guard,
      type: uiContentType(PANEL_GUARD_NAME),
      etag: `"${createHash('sha256').update(guard).digest('base64url')}"`,
      immutable: false,
    });
  }
  return { plugin: manifest.name, entry: ui.entry, panelRoot: ui.panelRoot, panels: ui.panels, files, bytes };
}
