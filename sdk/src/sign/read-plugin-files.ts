import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError, type PluginManifest, parseManifest } from '@omega/protocol';
import { verifyIntegrity } from '@omega/protocol/archive';

/** A built plugin folder's manifest text, parsed manifest and bundle (integrity checked). */
export interface PluginFiles {
  manifestText: string;
  manifest: PluginManifest;
  bundle: Buffer;
}

/** Reads a built plugin; OMEGA_ERR_MANIFEST_INVALID when the bundle does not match (rebuild). */
export async function readPluginFiles(dir: string): Promise<PluginFiles> {
  const path = join(dir, 'plugin.json');
  const manifestText = await readFile(path, 'utf8');
  const manifest = parseManifest(manifestText, path);
  const bundle = await readFile(join(dir, manifest.main)).catch(() => {
    throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `${manifest.main} is missing; run omega-plugin build.`, {
      file: path,
    });
  });
  if (!verifyIntegrity(bundle, manifest.integrity)) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${manifest.main} does not match plugin.json integrity; run omega-plugin build.`,
      {
        file: path,
        field: 'integrity',
      },
    );
  }
  return { manifestText, manifest, bundle };
}
