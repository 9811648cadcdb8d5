/** What `omega-plugin init --panel` adds to a new plugin (issue #19): a dashboard panel built with `@omega/sdk/panel`. */
export interface PanelScaffold {
  /** The manifest's `ui` (without `integrity`: the build seals the UI folder). */
  ui: Record<string, unknown>;
  /** Files, path relative to the new folder → content. */
  files: Record<string, string>;
  /** package.json scripts it needs (`build` replaced: the panel's bundle first). */
  scripts: Record<string, string>;
}

/** The panel's bundled script, relative to the plugin folder (written by `npm run build:panel`). */
const PANEL_JS = 'ui/panels/hello/panel.js';
/** The panel's bundled stylesheet, the sdk's `@omega/sdk/panel.css` inlined (written by `npm run build:panel`). */
const PANEL_CSS = 'ui/panels/hello/panel.css';

/**
 * A panel on the Dashboard tab that reads the plugin's own `/hello` route through the shell and
 * lists the plugin's events it is shown: `panel/hello.ts` (its source, using
 * `connectPanel` from `@omega/sdk/panel`), `panel/hello.css` (importing the dashboard's look,
 * `@omega/sdk/panel.css`) and `panel/hello.html` (its page's body), bundled by esbuild into
 * `ui/panels/hello/panel.js` and `panel.css` and wrapped in the sdk's page shell by
 * `omega-plugin pages` (`index.html`) before `omega-plugin build` seals `ui/` into `ui.integrity`.
 */
export function panelScaffold(name: string): PanelScaffold {
  return {
    ui: {
      root: 'ui',
      entry: 'index.html',
      panels: [
        {
          id: 'hello',
          title: `Hello from ${name}`,
          slot: 'dashboard',
          entry: 'panels/hello/index.html',
          topics: [`${name}.**`],
          reads: [`/api/v1/${name}/hello`],
          actions: [],
        },
      ],
    },
    scripts: {
      // the panel's bundle first: omega-plugin build seals ui/ as it finds it
      build: 'npm run build:panel && omega-plugin build',
      'build:panel': `esbuild panel/hello.ts --bundle --format=iife --target=es2022 --outfile=${PANEL_JS} && esbuild panel/hello.css --bundle --outfile=${PANEL_CSS} && omega-plugin pages`,
      pretest: 'npm run build:panel',
    },
    files: {
      'ui/index.html': `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${name}</title></head>
<body><p>${name} shows its panel on the dashboard.</p></body>
</html>
`,
      // the page: this body in the sdk's page shell, written by omega-plugin pages (build:panel)
      'panel/hello.html': `<p id="message">Connecting…</p>
<ul id="events"></ul>
`,
      'panel/hello.css': `/*
 * The panel's stylesheet: the dashboard's look (type, colour scheme, margins, .status, .row, .spark),
 * one place for every panel, inlined by npm run build:panel into ${PANEL_CSS} with the rules below.
 */
@import "@omega/sdk/panel.css";

#events {
  margin: 4px 0 0;
  padding-left: 1.2em;
  font-variant-numeric: tabular-nums;
}
`,
      'test/panel.test.ts': `import { join } from 'node:path';
import { startTestKernel, type TestKernel, testPanel } from '@omega/sdk/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

/*
 * The panel through the real kernel: declared, sealed (the kernel loads ui/ only when it matches
 * ui.integrity), granted, and served as the dashboard frames it (guard script first, panel CSP);
 * then the reads panel/hello.ts makes, answered as the dashboard answers them. Not covered here:
 * the panel's code in a browser frame (the dashboard's side, tested in Chromium in Omega itself).
 */
let k: TestKernel;
beforeAll(async () => {
  k = await startTestKernel({ plugin: join(import.meta.dirname, '..') });
});
afterAll(() => k?.stop());

it('is listed for the dashboard and served on its panel host', async () => {
  const { panel, page } = await testPanel(k, 'hello');
  expect(panel).toMatchObject({ slot: 'dashboard', reads: ['/api/v1/${name}/hello'] });
  expect(page.assets.map((a) => new URL(a).pathname)).toContain('/ui/${name}/panels/hello/panel.js');
});

it('gets its reads answered by the kernel, and no other', async () => {
  const panel = await testPanel(k, 'hello');
  // what panel/hello.ts asks for: keep these in step with the panel's code
  const hello = await panel.read<{ message: string; count: number }>('/api/v1/${name}/hello', { name: 'panel' });
  expect(hello.message).toBe('hello, panel');
  await expect(panel.read('/api/v1/plugins')).rejects.toMatchObject({ code: 'OMEGA_ERR_PERM_DENIED' });
});
`,
      'panel/hello.ts': `import { connectPanel } from '@omega/sdk/panel';

/*
 * The panel runs in a sandboxed frame of its own origin: no network, no cookies, no storage, no HTML
 * parsed from strings (Trusted Types). It gets only what plugin.json declares under ui.panels, through the
 * dashboard: the read of /api/v1/${name}/hello (made with the signed-in user's own token) and the
 * events of ${name}.**. npm run build:panel bundles this file into ${PANEL_JS}.
 */
async function main(): Promise<void> {
  const panel = await connectPanel();
  const message = document.getElementById('message') as HTMLElement;
  const events = document.getElementById('events') as HTMLElement;
  try {
    const hello = await panel.read<{ message: string; count: number }>('/api/v1/${name}/hello', { name: 'panel' });
    message.textContent = \`\${hello.message} (#\${hello.count})\`;
  } catch (e) {
    message.textContent = \`Could not read /hello: \${(e as { message?: string }).message ?? String(e)}\`;
  }
  panel.onEvent((e) => {
    const li = document.createElement('li');
    li.textContent = \`\${e.time} \${e.topic}\`;
    events.prepend(li);
    while (events.children.length > 10) events.lastElementChild?.remove();
    panel.resize(document.documentElement.scrollHeight);
  });
  panel.resize(document.documentElement.scrollHeight);
}

void main();
`,
    },
  };
}
