import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveDirectory } from '../../marketplace/index.js';
import { removeDir } from '../helpers/temp-kernel.js';

const dir = mkdtempSync(join(tmpdir(), 'omega-outside-market-'));
afterAll(() => removeDir(dir));

describe('omega marketplace serve, asked for what a marketplace never publishes', () => {
  it('only the signed documents and artifacts are served: keys (and their editor copies), dotfiles, anything else are 404', async () => {
    mkdirSync(join(dir, 'artifacts'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'root.json'), '{}');
    writeFileSync(join(dir, 'artifacts', 'hello-0.1.0.omp'), 'bundle');
    writeFileSync(join(dir, 'root.private.jwk'), '{"kty":"OKP","crv":"Ed25519","x":"x","d":"secret"}');
    writeFileSync(join(dir, 'artifacts', 'publisher.private.jwk'), '{"d":"secret"}');
    writeFileSync(join(dir, 'root.public.jwk'), '{"kty":"OKP"}');
    writeFileSync(join(dir, '.git', 'config'), '[core]');
    writeFileSync(join(dir, '.env'), 'TOKEN=secret');
    writeFileSync(join(dir, '2.root.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), 'publish checklist');
    // Editor and backup copies of a key, and a key named in capitals (found by review).
    for (const copy of [
      'root.private.jwk~',
      'root.private.jwk.bak',
      'root.private.jwk.swp',
      'root.private.JWK',
    ])
      writeFileSync(join(dir, copy), '{"d":"secret"}');
    symlinkSync(join(dir, 'root.private.jwk'), join(dir, 'artifacts', 'key-0.1.0.omp'));
    const s = await serveDirectory(dir);
    try {
      const status = async (path: string) => (await fetch(`${s.url}${path}`)).status;
      expect(await status('/root.json')).toBe(200);
      expect(await status('/artifacts/hello-0.1.0.omp')).toBe(200);
      expect(await status('/2.root.json')).toBe(200);
      for (const path of [
        '/root.private.jwk',
        '/artifacts/publisher.private.jwk',
        '/root.public.jwk',
        '/.git/config',
        '/.env',
        '/artifacts/%2e%2e/root.private.jwk',
        '/root.private.jwk~',
        '/root.private.jwk.bak',
        '/root.private.jwk.swp',
        '/root.private.JWK',
        '/artifacts/key-0.1.0.omp',
        '/notes.txt',
      ])
        expect(await status(path), path).toBe(404);
    } finally {
      await s.close();
    }
  });
});
