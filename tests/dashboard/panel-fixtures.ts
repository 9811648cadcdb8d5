import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { writePluginUi } from '../helpers/write-plugin-ui.js';

/**
 * The panel end of the protocol, in plain script (what a panel that does not use the SDK does):
 * takes the port the shell posts once, answers pings, keeps every message type it receives in
 * `__inbox`, and resolves `__omega` with the port and the init message.
 */
export const PANEL_LIB = `
globalThis.__out = {};
globalThis.__inbox = [];
globalThis.__omega = new Promise((resolve) => {
  addEventListener('message', (e) => {
    if (!e.data || e.data.type !== 'omega.panel.port' || !e.ports[0]) return;
    const port = e.ports[0];
    port.onmessage = (m) => {
      const d = m.data;
      globalThis.__inbox.push(d);
      if (d.type === 'ping') port.postMessage({ type: 'pong', n: d.n });
      if (d.type === 'init') resolve({ port, init: d });
      if (globalThis.__onmsg) globalThis.__onmsg(d);
    };
  });
});
`;

/** One panel of a fixture plugin: its declaration fields and its script (run after PANEL_LIB). */
export interface FixturePanel {
  id: string;
  title?: string;
  slot?: string;
  topics?: string[];
  reads?: string[];
  actions?: string[];
  js: string;
  /** Replaces PANEL_LIB (e.g. the SDK's bundle). */
  lib?: string;
}

/** `@omega/sdk/panel` bundled for the browser as the global `OmegaPanel` (what a panel author's bundler does). */
export async function sdkPanelBundle(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [join(import.meta.dirname, '..', '..', 'sdk', 'src', 'panel', 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'OmegaPanel',
    target: 'es2022',
    write: false,
  });
  return `globalThis.__out = {};\n${out.outputFiles[0]?.text ?? ''}`;
}

/**
 * Writes plugin `name` (a bundle that does nothing) with one UI panel per entry of `panels`
 * under `<dir>/<name>/`, sealed (`ui.integrity`), each panel page loading PANEL_LIB then its script.
 */
export async function writePanelPlugin(dir: string, name: string, panels: FixturePanel[]): Promise<void> {
  writePluginDir(dir, name, 'export const plugin = {};\n', {});
  const files: Record<string, string> = {
    'index.html': `<!doctype html><title>${name}</title>`,
  };
  for (const p of panels) {
    files[`panels/${p.id}/index.html`] =
      `<!doctype html><html><head><title>${p.id}</title><script src="./lib.js"></script><script src="./panel.js"></script></head><body><p>${p.id}</p></body></html>`;
    files[`panels/${p.id}/lib.js`] = p.lib ?? PANEL_LIB;
    files[`panels/${p.id}/panel.js`] = p.js;
  }
  await writePluginUi(join(dir, name), 'ui', files, {
    panels: panels.map((p) => ({
      id: p.id,
      title: p.title ?? p.id,
      slot: p.slot ?? 'dashboard',
      entry: `panels/${p.id}/index.html`,
      topics: p.topics ?? [],
      reads: p.reads ?? [],
      actions: p.actions ?? [],
    })),
  });
}

/** Grants plugin `name` its `panels` (and nothing else) in `<dir>/grants.json`. */
export function grantPanels(dir: string, name: string, panels: string[]): void {
  const file = join(dir, 'grants.json');
  const grants = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  grants[name] = { granted: [], denied: [], panels };
  writeFileSync(file, JSON.stringify(grants, null, 2));
}
