import { formatManifest } from '../build/format-manifest.js';
import { panelScaffold } from './scaffold-panel.js';

/** Options of {@link scaffoldFiles}. */
export interface ScaffoldOptions {
  name: string;
  /** The kernel range the plugin is built for, e.g. `>=0.1.0`. */
  omegaRange: string;
  /** devDependencies of the new package: the sdk (and the kernel, when found) by their specs, the tools by range. */
  devDependencies: Record<string, string>;
  /** Also a dashboard panel written with `@omega/sdk/panel` (`omega-plugin init --panel`). */
  panel?: boolean;
}

/** The README's paragraph on the panel of `init --panel`. */
const PANEL_README = [
  '',
  'Its dashboard panel: `panel/hello.ts` (written with `@omega/sdk/panel`), `panel/hello.css`',
  "(the dashboard's look, `@omega/sdk/panel.css`, plus its own rules) and `panel/hello.html` (its page's",
  "body), built into `ui/panels/hello/` (`panel.js`, `panel.css`, and `index.html` in the sdk's page shell)",
  'by `npm run build:panel` (run by `npm run build` and `npm test`) and declared under `ui.panels` in',
  '`plugin.json` with the topics, reads and actions it may be given.',
  'The build seals `ui/` into `ui.integrity`; the operator grants the panel. Build with',
  '`npm run build` (not `npx omega-plugin build` alone) so the bundle is current, and test with',
  '`npm test`: `test/panel.test.ts` checks the panel through a real kernel with `testPanel` from',
  '`@omega/sdk/testing` (listed, granted, served with its guard and CSP, its reads answered as the',
  'dashboard answers them). `pack` carries `ui/` in the archive (sealed by `ui.integrity`, which your signature',
  'covers), so the plugin installs from its archive or the marketplace with its panel.',
  '',
].join('\n');

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The files `omega-plugin init <name>` writes (path relative to the new folder → content). */
export function scaffoldFiles(o: ScaffoldOptions): Record<string, string> {
  // The author's manifest: `main` and `integrity` are the build's (dist/plugin.json).
  const manifest = {
    name: o.name,
    version: '0.1.0',
    description: `The ${o.name} plugin.`,
    engines: { omega: o.omegaRange },
    permissions: ['http:routes', 'storage'],
    routes: [{ method: 'GET', path: '/hello', handler: 'hello', permission: 'public' }],
  };
  const panel = o.panel ? panelScaffold(o.name) : undefined;
  const sorted = Object.fromEntries(Object.entries(o.devDependencies).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    ...panel?.files,
    'plugin.json': formatManifest(panel ? { ...manifest, ui: panel.ui } : manifest),
    'package.json': json({
      name: o.name,
      version: '0.1.0',
      private: true,
      type: 'module',
      // Its contract for other plugins' type-only imports (`import type { …Services } from
      // '<name>'`, plugin guide: CallsTo); nothing of it is bundled into theirs.
      exports: { '.': { types: './src/index.ts' } },
      scripts: {
        build: 'omega-plugin build',
        test: 'omega-plugin test',
        pack: 'omega-plugin pack',
        ...panel?.scripts,
      },
      devDependencies: sorted,
      // npm 11 runs a dependency's install script only when the project allows it
      ...(panel ? { allowScripts: { esbuild: true } } : {}),
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['src', 'test'],
    }),
    'src/route-schemas.ts': `import { defineRouteSchemas } from '@omega/sdk';

/**
 * What each route accepts and answers, by handler. \`omega-plugin build\` writes these into
 * dist/plugin.json; the kernel answers a request that does not fit with a 400 naming the field
 * (the handler never sees it) and documents them in its OpenAPI document. JSON Schema objects
 * work as they are; a zod schema (\`npm install -D zod\`) also types the handler's request:
 * \`SchemaRouteHandler<typeof routeSchemas.hello>\`.
 */
export const routeSchemas = defineRouteSchemas({
  hello: {
    query: {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1, maxLength: 64, description: 'Who to greet' } },
    },
    responses: {
      200: {
        type: 'object',
        required: ['message', 'count'],
        properties: { message: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
      },
    },
  },
});
`,
    'src/index.ts': `import { definePlugin, json } from '@omega/sdk';

/** What the plugin keeps per caller name in its storage. */
interface Greeting {
  count: number;
}

/** Greets the caller and counts the greetings in the plugin's own storage. */
export const plugin = definePlugin({
  // setup runs at every start; what it creates lives for this activation only.
  setup(ctx) {
    return {
      routes: {
        // src/route-schemas.ts bounds \`name\`: the kernel has checked it before this runs.
        async hello(req) {
          const who = req.query.name ?? 'world';
          const seen = await ctx.storage.get<Greeting>('greetings', who);
          const count = (seen?.value.count ?? 0) + 1;
          await ctx.storage.set<Greeting>('greetings', who, { count });
          return json(200, { message: \`hello, \${who}\`, count });
        },
      },
    };
  },
});
`,
    [`test/${o.name}.test.ts`]: `import { join } from 'node:path';
import { startTestKernel, type TestKernel } from '@omega/sdk/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let k: TestKernel;
beforeAll(async () => {
  k = await startTestKernel({ plugin: join(import.meta.dirname, '..') });
});
afterAll(() => k?.stop());

it('greets and counts in its storage', async () => {
  const res = await k.api('/api/v1/${o.name}/hello?name=ada');
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ message: 'hello, ada', count: 1 });
  const again = await (await k.api('/api/v1/${o.name}/hello?name=ada')).json();
  expect(again.count).toBe(2);
  expect((await k.storage.get('greetings', 'ada'))?.value).toEqual({ count: 2 });
});

it('answers a bad name with problem+json', async () => {
  const res = await k.api(\`/api/v1/${o.name}/hello?name=\${'x'.repeat(65)}\`);
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/problem\\+json/);
  expect(await res.json()).toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
});
`,
    'README.md': `# ${o.name}

An Omega plugin. \`plugin.json\` declares what it may do; \`src/index.ts\` is its code;
\`src/route-schemas.ts\` what its routes accept and answer (checked by the kernel, in its OpenAPI document).

\`\`\`sh
npm install                                  # the sdk, the kernel and the tools in devDependencies
npx omega-plugin build                       # type-check, then dist/plugin.js + dist/plugin.json
npx omega-plugin test                        # build, then test/*.test.ts against a real kernel
npx omega-plugin keygen                      # once: publisher.private.jwk (keep it secret) + .public.jwk
npx omega-plugin pack --key publisher.private.jwk   # signed ${o.name}-<version>.omega-plugin
omega plugin install ./${o.name}-0.1.0.omega-plugin --trust publisher.public.jwk --approve
\`\`\`

\`dist/\` is build output (not tracked): \`pack\` refuses a \`dist/\` older than the sources.
${panel ? PANEL_README : ''}`,
    '.gitignore': `node_modules\ndist\n*.omega-plugin\n*.private.jwk\n${panel ? 'ui/panels/hello/panel.js\nui/panels/hello/panel.css\nui/panels/hello/index.html\n' : ''}`,
  };
}
