import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '@omega/protocol';
import { build } from 'esbuild';
import { ROUTE_SCHEMAS_SOURCE } from './plugin-layout.js';

/**
 * The `routeSchemas` export of the plugin's src/route-schemas.ts, evaluated in this (build)
 * process — bundled on its own for Node, so zod or any schema library stays out of the plugin
 * bundle — or undefined when the plugin has no such file.
 */
export async function readRouteSchemas(dir: string): Promise<unknown> {
  const file = join(dir, ROUTE_SCHEMAS_SOURCE);
  if (
    !(await access(file).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  const result = await build({
    absWorkingDir: dir,
    entryPoints: [ROUTE_SCHEMAS_SOURCE],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    sourcemap: false,
    logLevel: 'silent',
  }).catch((err: { errors?: Array<{ text: string }> }) => {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${ROUTE_SCHEMAS_SOURCE} does not build: ${err.errors?.[0]?.text ?? String(err)}`,
      { file },
    );
  });
  const code = result.outputFiles[0]?.text ?? '';
  let mod: { routeSchemas?: unknown };
  try {
    mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
      routeSchemas?: unknown;
    };
  } catch (err) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${ROUTE_SCHEMAS_SOURCE} failed when evaluated: ${(err as Error).message}`,
      { file },
    );
  }
  if (mod.routeSchemas === undefined)
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${ROUTE_SCHEMAS_SOURCE} must export routeSchemas = defineRouteSchemas({ … }).`,
      { file },
    );
  return mod.routeSchemas;
}
