import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('@omega/hostinfo is a leaf', () => {
  it('imports only node: built-ins and its own files (no kernel/, no other Omega package, no systeminformation)', async () => {
    const bad: string[] = [];
    for (const file of await sources(join(root, 'src'))) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/\bfrom\s+'([^']+)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        if (spec.startsWith('./') || (spec.startsWith('../') && !spec.includes('../../'))) continue;
        bad.push(`${file.slice(root.length + 1)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('declares no dependencies', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.peerDependencies).toBeUndefined();
  });

  it('plugins/metrics takes the area types from @omega/hostinfo, not from a kernel path', async () => {
    const text = await readFile(join(root, '../plugins/metrics/src/collect/host-data.ts'), 'utf8');
    expect(text).toContain("from '@omega/hostinfo'");
    expect(text).not.toMatch(/kernel\//);
  });
});
