import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlugin } from '../../sdk/src/build/index.js';

/** The small JSON object every target of the HTTP bench answers (in-process, reference, plugin). */
export const ECHO_BODY = { hello: 'world' };

const repo = join(import.meta.dirname, '..', '..');

/**
 * Writes and builds (with the sdk, as a plugin author would) a trivial plugin `echo` in
 * `<parent>/echo`: one handler mounted as `GET /api/v1/echo/open` (public) and
 * `GET /api/v1/echo/guarded` (needs `echo:read`), answering {@link ECHO_BODY}.
 * Returns the plugin folder.
 */
export async function buildEchoPlugin(parent: string): Promise<string> {
  const dir = join(parent, 'echo');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const sdk = join(repo, 'sdk', 'src', 'index.ts');
  writeFileSync(
    join(dir, 'src', 'index.ts'),
    `import { definePlugin } from ${JSON.stringify(sdk)};\n` +
      `export const plugin = definePlugin({\n` +
      `  routes: { hello: () => ({ status: 200, body: ${JSON.stringify(ECHO_BODY)} }) },\n` +
      `});\n`,
  );
  const route = (path: string, permission: string) => ({ method: 'GET', path, handler: 'hello', permission });
  writeFileSync(
    join(dir, 'plugin.json'),
    JSON.stringify({
      name: 'echo',
      version: '1.0.0',
      engines: { omega: '>=0.1.0' },
      permissions: ['http:routes'],
      routes: [route('/open', 'public'), route('/guarded', 'echo:read')],
    }),
  );
  await buildPlugin(dir, { typecheck: false }); // imports the sdk by path: nothing for tsc to resolve it as a package
  return dir;
}
