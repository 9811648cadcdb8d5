import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { omegaError, type PluginManifest, parseManifest } from '@omega/protocol';
import { verifyIntegrity } from '@omega/protocol/archive';
import { BUILT_MANIFEST } from '../build/plugin-layout.js';

/** A built plugin's manifest text (dist/plugin.json), parsed manifest and bundle (integrity checked). */
export interface PluginFiles {
  manifestText: string;
  manifest: PluginManifest;
  bundle: Buffer;
}

/** Reads a built plugin's dist/; OMEGA_ERR_MANIFEST_INVALID when it is missing or does not match (rebuild). */
export async function readPluginFiles(dir: string): Promise<PluginFiles> {
  const path = join(dir, BUILT_MANIFEST);
  const manifestText = await readFile(path, 'utf8').catch(() => {
    throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `${path} is missing; run omega-plugin build.`, {
      file: path,
    });
  });
  const manifest = parseManifest(manifestText, path);
  const bundle = await readFile(join(dirname(path), manifest.main)).catch(() => {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `dist/${manifest.main} is missing; run omega-plugin build.`,
      {
        file: path,
      },
    );
  });
  if (!verifyIntegrity(bundle, manifest.integrity)) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `dist/${manifest.main} does not match ${BUILT_MANIFEST} integrity; run omega-plugin build.`,
      { file: path, field: 'integrity' },
    );
  }
  return { manifestText, manifest, bundle };
}
