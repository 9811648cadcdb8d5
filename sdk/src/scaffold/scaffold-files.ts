import { formatManifest } from '../build/format-manifest.js';

/** Options of {@link scaffoldFiles}. */
export interface ScaffoldOptions {
  name: string;
  /** The kernel range the plugin is built for, e.g. `>=0.1.0`. */
  omegaRange: string;
}

/** The files `omega-plugin init <name>` writes (path relative to the new folder → content). */
export function scaffoldFiles(o: ScaffoldOptions): Record<string, string> {
  const manifest = {
    name: o.name,
    version: '0.1.0',
    description: `The ${o.name} plugin.`,
    engines: { omega: o.omegaRange },
    main: 'dist/plugin.js',
    integrity: 'sha512-(filled in by omega-plugin build)',
    permissions: ['http:routes', 'storage'],
    routes: [{ method: 'GET', path: '/hello', handler: 'hello', permission: 'public' }],
  };
  return {
    'plugin.json': formatManifest(manifest),
    'package.json': `${JSON.stringify(
      {
        name: `@omega/plugin-${o.name}`,
        version: '0.1.0',
        private: true,
        type: 'module',
        scripts: { build: 'omega-plugin build', test: 'omega-plugin test' },
        devDependencies: { '@omega/sdk': '*' },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
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
      },
      null,
      2,
    )}\n`,
    'src/index.ts': `import { definePlugin, json } from '@omega/sdk';

/** Greets the caller and counts the greetings in the plugin's own storage. */
export const plugin = definePlugin({
  routes: {
    async hello(req, ctx) {
      const who = req.query.name ?? 'world';
      const seen = await ctx.storage.get<{ count: number }>('greetings', who);
      const count = (seen?.value.count ?? 0) + 1;
      await ctx.storage.set('greetings', who, { count });
      return json(200, { message: \`hello, \${who}\`, count });
    },
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
`,
    '.gitignore': 'node_modules\n',
  };
}
