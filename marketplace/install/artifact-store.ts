import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeIntegrity, verifyIntegrity } from '@omega/protocol/archive';
import { writeFileDurable } from '../../kernel/index.js';
import { untrusted } from '../metadata/index.js';

/** File name of an artifact in the store: its sha512 in hex (content addressing). */
const fileOf = (integrity: string) =>
  `${Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex')}.omp`;

/** A content-addressed store of downloaded artifacts: what was verified once can be switched back to. */
export interface ArtifactStore {
  /** Stores bytes under their sha512; returns the integrity. */
  put(bytes: Uint8Array): Promise<string>;
  /** Reads bytes back and re-checks their hash; null when absent. A changed file is refused. */
  get(integrity: string, who: { plugin: string; version: string }): Promise<Uint8Array | null>;
}

/** Opens the store in `dir` (`<dataDir>/marketplace/store`). */
export function artifactStore(dir: string): ArtifactStore {
  return {
    async put(bytes) {
      const integrity = computeIntegrity(bytes);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFileDurable(join(dir, fileOf(integrity)), Buffer.from(bytes));
      return integrity;
    },
    async get(integrity, who) {
      let bytes: Buffer;
      try {
        bytes = await readFile(join(dir, fileOf(integrity)));
      } catch {
        return null;
      }
      if (!verifyIntegrity(bytes, integrity))
        throw untrusted(
          { source: dir, role: 'artifact', ...who },
          'hash-mismatch',
          'the stored artifact changed on disk',
          integrity,
          computeIntegrity(bytes),
        );
      return bytes;
    },
  };
}
