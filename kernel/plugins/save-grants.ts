import { writeFileDurable } from '../storage/index.js';
import { type Grants, parseGrants } from './grants-schema.js';

/**
 * Validates `grants` and writes them atomically and durably (temp file, fsync, rename, fsync
 * of the folder), as readable JSON with plugins sorted by name, so an operator can edit it.
 */
export async function saveGrants(file: string, grants: Grants): Promise<void> {
  const valid = parseGrants(grants, file);
  const sorted = Object.fromEntries(
    Object.keys(valid)
      .sort()
      .map((name) => [name, valid[name]]),
  );
  await writeFileDurable(file, `${JSON.stringify(sorted, null, 2)}\n`);
}
