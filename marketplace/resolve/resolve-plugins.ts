import type { PluginManifest } from '@omega/protocol';
import { type OmegaError, omegaError } from '@omega/protocol';
import semver from 'semver';

/** One version the resolver may pick. */
export interface Candidate {
  name: string;
  version: string;
  manifest: PluginManifest;
  status?: { state: 'yanked' | 'revoked'; reason: string };
}

/** A plugin present in the kernel now (from the marketplace or not) with what it depends on. */
export interface InstalledPlugin {
  version: string;
  dependencies: Record<string, string>;
}

/** Input of {@link resolvePlugins}. */
export interface ResolveInput {
  /** What the operator asked for, e.g. `{ name: 'hello', range: '^1.2.0' }`. */
  requests: ReadonlyArray<{ name: string; range: string }>;
  /** Every version of a plugin the source offers (with verified manifests), any order. */
  available(name: string): Promise<Candidate[]>;
  /** Plugins in the kernel now. */
  installed: Readonly<Record<string, InstalledPlugin>>;
  /** Installed plugins that may change version (the ones asked for; all managed ones for "upgrade all"). */
  movable: ReadonlySet<string>;
  kernelVersion: string;
}

/** One change of the resolution, in dependency order (dependencies first). */
export interface ResolvedStep {
  name: string;
  from?: string;
  to: Candidate;
}

interface Requirement {
  name: string;
  range: string;
  by: string;
}

const MAX_STEPS = 10_000;
const range = (r: string) => semver.validRange(r) ?? r;

/**
 * Picks one version per plugin: the highest that satisfies every range asking for it, whose
 * `engines.omega` includes the kernel, and that is neither revoked nor (unless installed) yanked.
 * Requests and dependencies are visited in name order and candidates highest first, so the
 * same input always gives the same answer. A conflict names who wants what; a cycle names its path.
 */
export async function resolvePlugins(input: ResolveInput): Promise<ResolvedStep[]> {
  const cache = new Map<string, Candidate[]>();
  const offered = async (name: string) => {
    if (!cache.has(name)) {
      const list = await input.available(name);
      cache.set(
        name,
        [...list].sort((a, b) => semver.rcompare(a.version, b.version)),
      );
    }
    return cache.get(name)!;
  };
  const selected = new Map<string, Candidate | InstalledPlugin>();
  const initial: Requirement[] = [];
  for (const [name, p] of Object.entries(input.installed).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (input.movable.has(name)) continue;
    selected.set(name, p);
    for (const [dep, r] of Object.entries(p.dependencies).sort(([a], [b]) => (a < b ? -1 : 1)))
      initial.push({ name: dep, range: r, by: `${name}@${p.version} (installed)` });
  }
  const requests = [...input.requests].sort((a, b) => (a.name < b.name ? -1 : 1));
  const queue = [...requests.map((r) => ({ ...r, by: 'the operator' })), ...initial];
  let steps = 0;
  let firstFailure: OmegaError | undefined;

  const solve = async (
    q: Requirement[],
    sel: Map<string, Candidate | InstalledPlugin>,
    wants: Map<string, Requirement[]>,
  ): Promise<Map<string, Candidate | InstalledPlugin> | null> => {
    if (++steps > MAX_STEPS)
      throw omegaError(
        'OMEGA_ERR_PLUGIN_DEPENDENCY',
        'Dependency resolution gave up (too many combinations).',
      );
    const [req, ...rest] = q;
    if (!req) return sel;
    const all = [...(wants.get(req.name) ?? []), req];
    const nextWants = new Map(wants).set(req.name, all);
    const have = sel.get(req.name);
    if (have) {
      if (semver.satisfies(have.version, range(req.range), { includePrerelease: true }))
        return solve(rest, sel, nextWants);
      firstFailure ??= conflict(req.name, all, have.version, input.installed[req.name] === have);
      return null;
    }
    const installed = input.installed[req.name];
    let pool: Candidate[];
    if (installed && !input.movable.has(req.name)) pool = [];
    else pool = await offered(req.name);
    const fits = pool.filter(
      (c) =>
        c.status?.state !== 'revoked' &&
        (c.status?.state !== 'yanked' || installed?.version === c.version) &&
        all.every((w) => semver.satisfies(c.version, range(w.range), { includePrerelease: true })),
    );
    const usable = fits.filter((c) =>
      semver.satisfies(input.kernelVersion, c.manifest.engines.omega, { includePrerelease: true }),
    );
    if (usable.length === 0) {
      firstFailure ??=
        fits.length > 0 ? incompatible(req.name, fits, input.kernelVersion) : noVersion(req.name, all, pool);
      return null;
    }
    for (const c of usable) {
      const deps = Object.entries(c.manifest.dependencies)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, r]) => ({ name, range: r, by: `${c.name}@${c.version}` }));
      const out = await solve([...rest, ...deps], new Map(sel).set(req.name, c), nextWants);
      if (out) return out;
    }
    return null;
  };

  const result = await solve(queue, selected, new Map());
  if (!result)
    throw firstFailure ?? omegaError('OMEGA_ERR_PLUGIN_DEPENDENCY', 'No consistent set of versions exists.');
  const order = topologicalOrder(result);
  const out: ResolvedStep[] = [];
  for (const name of order) {
    const c = result.get(name);
    if (!c || !('manifest' in c)) continue;
    const from = input.installed[name]?.version;
    if (from === c.version) continue;
    out.push({ name, ...(from !== undefined ? { from } : {}), to: c });
  }
  return out;
}

function depsOf(p: Candidate | InstalledPlugin): Record<string, string> {
  return 'manifest' in p ? p.manifest.dependencies : p.dependencies;
}

/** Dependencies first; a cycle is OMEGA_ERR_PLUGIN_DEPENDENCY naming the path. */
function topologicalOrder(sel: Map<string, Candidate | InstalledPlugin>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    const s = state.get(name);
    if (s === 'done') return;
    const p = sel.get(name);
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name].map((n) => `${n}@${sel.get(n)?.version}`);
      throw omegaError(
        'OMEGA_ERR_PLUGIN_DEPENDENCY',
        `Dependency cycle: ${cycle.join(' → ')}; plugins cannot depend on each other in a circle.`,
        {
          plugin: name,
          version: p?.version,
          cycle,
        },
      );
    }
    if (!p) return;
    state.set(name, 'visiting');
    for (const dep of Object.keys(depsOf(p)).sort()) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...sel.keys()].sort()) visit(name, []);
  return order;
}

function conflict(name: string, wants: Requirement[], have: string, installed: boolean): OmegaError {
  const who = wants.map((w) => `${w.by} wants ${name}@${w.range}`);
  return omegaError(
    'OMEGA_ERR_PLUGIN_DEPENDENCY',
    `Conflict on "${name}": ${who.join('; ')}; but ${installed ? 'the installed' : 'the chosen'} version is ${have}${installed ? ` (upgrade ${name} as well, or choose other versions)` : ''}.`,
    { plugin: name, version: have, wants: wants.map((w) => ({ by: w.by, range: w.range })) },
  );
}

function noVersion(name: string, wants: Requirement[], pool: Candidate[]): OmegaError {
  const offered =
    pool.map((c) => `${c.version}${c.status ? ` (${c.status.state})` : ''}`).join(', ') || 'none';
  return omegaError(
    'OMEGA_ERR_PLUGIN_DEPENDENCY',
    `No version of "${name}" satisfies ${wants.map((w) => `${w.range} (wanted by ${w.by})`).join(' and ')}; offered: ${offered}.`,
    {
      plugin: name,
      wants: wants.map((w) => ({ by: w.by, range: w.range })),
      offered: pool.map((c) => c.version),
    },
  );
}

function incompatible(name: string, fits: Candidate[], kernelVersion: string): OmegaError {
  const best = fits[0]!;
  return omegaError(
    'OMEGA_ERR_PLUGIN_INCOMPATIBLE',
    `${name}@${best.version} needs omega ${best.manifest.engines.omega}, but this kernel is ${kernelVersion}${fits.length > 1 ? ` (and so do ${fits.length - 1} other matching versions)` : ''}.`,
    { plugin: name, version: best.version, expected: best.manifest.engines.omega, actual: kernelVersion },
  );
}
