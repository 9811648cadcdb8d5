import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshMetadata, trustRoot } from '../../marketplace/client/refresh-metadata.js';
import { type DirectoryServer, serveDirectory } from '../../marketplace/publish/index.js';
import { tempDirForTest } from '../helpers/temp-dir.js';
import { createFixtureRepo, type FixtureRepo } from './fixture-repo.js';

describe('metadata refresh', () => {
  let repo: FixtureRepo;
  let server: DirectoryServer;
  beforeAll(async () => {
    repo = await createFixtureRepo();
    await repo.release({ name: 'hello' });
    server = await serveDirectory(repo.dir);
  });
  afterAll(async () => {
    await server?.close();
    if (repo) rmSync(repo.dir, { recursive: true, force: true });
  });

  it('verifies root, timestamp and index over HTTP', async () => {
    const stateDir = tempDirForTest('omega-trust-');
    await trustRoot(stateDir, readFileSync(join(repo.dir, 'root.json'), 'utf8'), server.url);
    const m = await refreshMetadata({ location: server.url, stateDir });
    expect(Object.keys(m.index.plugins)).toEqual(['hello']);
    expect(m.timestamp.index.version).toBe(m.index.version);
  });
});
