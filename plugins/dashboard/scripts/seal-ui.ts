import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { computeUiIntegrity, readUiFolder } from '@omega/protocol/archive';

/**
 * Sets `ui.integrity` in `<pluginDir>/plugin.json` to the integrity of the built UI folder
 * (`uiDir`, by default the manifest's `ui.root`), keeping the file's layout; returns it. Run
 * after Vite builds the UI: the kernel refuses a UI whose files do not match, and a publisher's
 * signature over plugin.json then covers every UI file.
 */
export async function sealUi(pluginDir: string, uiDir?: string): Promise<string> {
  const manifestPath = join(pluginDir, 'plugin.json');
  const text = await readFile(manifestPath, 'utf8');
  const manifest = JSON.parse(text) as { ui?: { root?: string } };
  const root = manifest.ui?.root;
  if (typeof root !== 'string') throw new Error(`${manifestPath} declares no ui.root.`);
  const integrity = computeUiIntegrity(await readUiFolder(uiDir ?? join(pluginDir, root)));
  const at = text.search(/"ui"\s*:\s*\{/);
  const field = /("integrity"\s*:\s*)"[^"]*"/;
  const tail = text.slice(at);
  if (at < 0 || !field.test(tail.slice(0, tail.indexOf('}')))) {
    throw new Error(`${manifestPath}: write "ui": { "root", "entry", "integrity": "" } first.`);
  }
  const next = text.slice(0, at) + tail.replace(field, (_m, head: string) => `${head}"${integrity}"`);
  if (next !== text) await writeFile(manifestPath, next);
  return integrity;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dir = resolve(import.meta.dirname, '..');
  sealUi(dir).then(
    (integrity) => console.log(`dashboard: ui.integrity ${integrity}`),
    (err: Error) => {
      console.error(`dashboard: cannot seal the UI: ${err.message}`);
      process.exit(1);
    },
  );
}
