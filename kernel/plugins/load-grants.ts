import { readFile } from 'node:fs/promises';
import { omegaError } from '../errors/index.js';
import { type Grants, parseGrants } from './grants-schema.js';

/**
 * Reads and validates the grants file; a missing file means nothing is granted yet (`{}`).
 * Throws OMEGA_ERR_CONFIG_INVALID naming the file and field when it is malformed.
 */
export async function loadGrants(file: string): Promise<Grants> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw omegaError(
      'OMEGA_ERR_CONFIG_INVALID',
      `${file} cannot be read (${(err as NodeJS.ErrnoException).code}).`,
      {
        file,
      },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw omegaError('OMEGA_ERR_CONFIG_INVALID', `${file} is not valid JSON: ${(err as Error).message}`, {
      file,
    });
  }
  return parseGrants(doc, file);
}
