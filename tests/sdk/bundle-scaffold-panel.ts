import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writePanelPages } from '../../sdk/src/build/index.js';

const SDK = join(import.meta.dirname, '..', '..', 'sdk');

/**
 * What a scaffolded plugin's `npm run build:panel` does, with this checkout's sdk linked as its
 * `@omega/sdk`: esbuild bundles `panel/hello.ts` into `ui/panels/hello/panel.js` and
 * `panel/hello.css` (the sdk's `@omega/sdk/panel.css` inlined) into `ui/panels/hello/panel.css`,
 * and `omega-plugin pages` writes `ui/panels/hello/index.html` from `panel/hello.html` (then
 * `omega-plugin build` can seal ui/ with all three in it).
 */
export async function bundleScaffoldPanel(dir: string): Promise<void> {
  mkdirSync(join(dir, 'node_modules', '@omega'), { recursive: true });
  symlinkSync(SDK, join(dir, 'node_modules', '@omega', 'sdk'), 'dir');
  const { build } = await import('esbuild');
  const out = join(dir, 'ui', 'panels', 'hello');
  await build({
    entryPoints: [join(dir, 'panel', 'hello.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    outfile: join(out, 'panel.js'),
    logLevel: 'silent',
  });
  await build({
    entryPoints: [join(dir, 'panel', 'hello.css')],
    bundle: true,
    outfile: join(out, 'panel.css'),
    logLevel: 'silent',
  });
  await writePanelPages(dir);
}
