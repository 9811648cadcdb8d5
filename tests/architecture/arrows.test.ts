import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * The arrows of docs/architecture.md, enforced: plugins → sdk → protocol; the kernel never
 * imports the CLI, the marketplace, the sdk, the agent or a plugin; the marketplace and the
 * CLI reach the kernel only through its public index (kernel/index.ts); packages installed
 * outside this repository (protocol, sdk, agent, hostinfo) import only their declared
 * dependencies, never a sibling folder by path.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f && !f.includes('node_modules/') && !f.endsWith('.d.ts') && !f.includes('/dist/'));

interface Edge {
  from: string;
  spec: string;
  /** The repository path a relative import reaches. */
  to?: string;
  typeOnly: boolean;
}

/** Every module a file imports, read by TypeScript's own pre-processor (strings and comments are not imports). */
function edgesOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => {
    const statement = Math.max(text.lastIndexOf('import', f.pos), text.lastIndexOf('export', f.pos));
    const typeOnly = /^(?:import|export)\s+type\s/.test(text.slice(statement, f.pos));
    const to = f.fileName.startsWith('.') ? normalize(join(dirname(file), f.fileName)) : undefined;
    return { from: file, spec: f.fileName, typeOnly, ...(to ? { to } : {}) };
  });
}

const ALL = files.flatMap(edgesOf);
const under = (dir: string) => (e: Edge) => e.from.startsWith(`${dir}/`);
const reaches = (dir: string) => (e: Edge) =>
  e.to !== undefined && (e.to === dir || e.to.startsWith(`${dir}/`));
const show = (e: Edge) => `${e.from} → ${e.spec}`;
const NODE = /^node:/;

/** The package a bare specifier names (`@scope/name` or `name`). */
const pkgOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;

function declared(dir: string): Set<string> {
  const p = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  return new Set([
    ...Object.keys(p.dependencies ?? {}),
    ...Object.keys(p.peerDependencies ?? {}),
    ...Object.keys(p.devDependencies ?? {}),
  ]);
}

/** Edges of `dir`'s sources that leave the package other than to Node or a declared dependency. */
function undeclared(dir: string, src = `${dir}/src`): string[] {
  const deps = declared(dir);
  return ALL.filter(under(src))
    .filter((e) =>
      e.to !== undefined ? !e.to.startsWith(`${dir}/`) : !NODE.test(e.spec) && !deps.has(pkgOf(e.spec)),
    )
    .map(show);
}

describe('the arrows between the parts of Omega', () => {
  it('found the sources (the scan itself works)', () => {
    expect(files.length).toBeGreaterThan(300);
    expect(ALL.some((e) => e.from.startsWith('kernel/') && e.spec === '@omega/protocol')).toBe(true);
  });

  it('the kernel imports no CLI, marketplace, sdk, agent or plugin', () => {
    const bad = ALL.filter(under('kernel')).filter(
      (e) =>
        ['cli', 'marketplace', 'sdk', 'agent', 'plugins'].some((d) => reaches(d)(e)) ||
        /^@omega\/(sdk|agent|plugin-)/.test(e.spec),
    );
    expect(bad.map(show)).toEqual([]);
  });

  it('the marketplace and the CLI reach the kernel only through kernel/index.ts', () => {
    const bad = ALL.filter((e) => under('marketplace')(e) || under('cli')(e))
      .filter(reaches('kernel'))
      .filter((e) => e.to !== 'kernel/index.js' && e.to !== 'kernel/index.ts');
    expect(bad.map(show)).toEqual([]);
    expect(ALL.filter(under('marketplace')).filter(reaches('cli')).map(show)).toEqual([]);
  });

  it('the protocol is a leaf: zod, semver and Node only', () => {
    const bad = ALL.filter(under('protocol/src')).filter((e) =>
      e.to !== undefined
        ? !e.to.startsWith('protocol/src/')
        : !NODE.test(e.spec) && !['zod', 'semver'].includes(e.spec),
    );
    expect(bad.map(show)).toEqual([]);
  });

  it('hostinfo is a leaf, and the packages installed outside the repository import only what they declare', () => {
    expect(
      ALL.filter(under('hostinfo/src'))
        .filter((e) => e.spec.startsWith('@omega/'))
        .map(show),
    ).toEqual([]);
    expect(undeclared('hostinfo')).toEqual([]);
    expect(undeclared('protocol')).toEqual([]);
    expect(undeclared('agent')).toEqual([]);
    expect(undeclared('sdk')).toEqual([]);
  });

  it('the omega package (kernel, CLI) imports only its own dependencies and the @omega/* packages its bundle inlines', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const runtime = new Set(Object.keys(root.dependencies));
    // devDependencies are not installed with the packed omega: every import of what ships must be a dependency
    const bad = ALL.filter((e) => under('kernel')(e) || under('cli')(e))
      .filter((e) => e.to === undefined && !NODE.test(e.spec) && !e.typeOnly)
      .filter((e) => !e.spec.startsWith('@omega/') && !runtime.has(pkgOf(e.spec)));
    expect(bad.map(show)).toEqual([]);
    // what the bundle inlines brings its own dependencies, which omega must declare too
    const inlined = [
      ...new Set(ALL.filter((e) => under('kernel')(e) || under('cli')(e)).map((e) => e.spec)),
    ].filter((s) => s.startsWith('@omega/'));
    expect(inlined.length).toBeGreaterThan(0);
    for (const dir of new Set(inlined.map((s) => pkgOf(s).slice('@omega/'.length)))) {
      const p = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      const missing = Object.keys(p.dependencies ?? {}).filter(
        (d) => !d.startsWith('@omega/') && !runtime.has(d),
      );
      expect(missing, `@omega/${dir}'s dependencies, inlined into omega's bundle`).toEqual([]);
    }
  });

  it('plugins import the sdk and the protocol (and other plugins only as type-only contracts), never the kernel', () => {
    // What runs in the isolate (src/): the sdk, the protocol, type-only contracts, its own files.
    // Route and event schema modules (src/**/route-schemas.ts, src/event-schemas.ts, and the
    // pieces they are built from under a src/**/schemas/ folder) run at build time in Node
    // (omega-plugin build, npm run gen, tests), never in the isolate: they may use a schema
    // library (zod) and the sdk's zod helpers (@omega/sdk/route-schemas), and the rest of src
    // imports them type-only (and never @omega/sdk/route-schemas, which would bundle zod).
    const schemaModule = (f: string | undefined) =>
      f !== undefined && /\/(route|event)-schemas\.ts$|\/src\/(.+\/)?schemas\//.test(f);
    const bad = ALL.filter((e) => /^plugins\/[^/]+\/src\//.test(e.from)).filter((e) => {
      const own = e.from.split('/').slice(0, 2).join('/');
      if (schemaModule(e.to) && !schemaModule(e.from))
        return !e.typeOnly && !/\/src\/route-schemas\.ts$/.test(e.from);
      if (
        schemaModule(e.from) &&
        e.to === undefined &&
        (!e.spec.startsWith('@omega/') || e.spec === '@omega/sdk/route-schemas')
      )
        return false;
      if (e.to !== undefined) return !e.to.startsWith(`${own}/`);
      if (['@omega/sdk', '@omega/protocol'].includes(e.spec)) return false;
      if (/^@omega\/plugin-[a-z0-9-]+\/contract$/.test(e.spec) || e.spec === '@omega/hostinfo')
        return !e.typeOnly;
      return true;
    });
    expect(bad.map(show)).toEqual([]);
    // Its tests and its UI (a browser bundle): its own files, Node, and what its package declares; never the kernel by path.
    const byPath = ALL.filter((e) => /^plugins\/[^/]+\/(test|ui)\//.test(e.from)).filter(
      (e) =>
        e.to !== undefined &&
        !e.to.startsWith(e.from.split('/').slice(0, 2).join('/')) &&
        !e.to.startsWith('tests/'),
    );
    expect(byPath.map(show)).toEqual([]);
  });
});
