import type { PluginManifest } from '@omega/protocol';
import semver from 'semver';
import { type OmegaError, omegaError } from '../errors/index.js';

/** A plugin that may not start, with every reason found. */
export interface LoadRefusal {
  name: string;
  reasons: OmegaError[];
}

/** What {@link planLoad} decided: start order (dependencies first) and refusals, both deterministic. */
export interface LoadPlan<T extends { manifest: PluginManifest }> {
  start: T[];
  refused: LoadRefusal[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One strongly connected component of the dependency graph and a cycle through it (`a → b → a`). */
interface Cycle {
  members: string[];
  path: string[];
}

/** The cycles of the dependency graph: one per strongly connected component of two or more plugins. */
function findCycles(deps: Map<string, string[]>): Cycle[] {
  // Tarjan's algorithm; iteration in name order keeps the output stable.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of deps.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort(byName));
    }
  };
  for (const v of [...deps.keys()].sort(byName)) if (!index.has(v)) visit(v);
  // For each component, the shortest path from its smallest member back to itself (BFS, name order).
  return components.map((component) => {
    const members = new Set(component);
    const start = component[0]!;
    const parent = new Map<string, string>([[start, start]]);
    const queue = [start];
    while (queue.length > 0) {
      const at = queue.shift()!;
      for (const w of deps.get(at) ?? []) {
        if (w === start) {
          const path = [at];
          while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
          return { members: component, path: [...path, start] };
        }
        if (members.has(w) && !parent.has(w)) {
          parent.set(w, at);
          queue.push(w);
        }
      }
    }
    return { members: component, path: [...component, start] }; // unreachable: every member of a component lies on a cycle
  });
}

/**
 * Decides which plugins may start and in what order, without running any: a plugin is refused
 * when the kernel version is outside its `engines.omega` (OMEGA_ERR_PLUGIN_INCOMPATIBLE), when a
 * dependency is missing, at a version outside the wanted range, or part of a cycle
 * (OMEGA_ERR_PLUGIN_DEPENDENCY), or when a dependency of it is refused. The rest start
 * dependencies first, ties broken by name.
 */
export function planLoad<T extends { manifest: PluginManifest }>(
  plugins: readonly T[],
  opts: { kernelVersion: string },
): LoadPlan<T> {
  const all = new Map(plugins.map((p) => [p.manifest.name, p]));
  const reasons = new Map<string, OmegaError[]>();
  const refuse = (name: string, err: OmegaError): void => {
    reasons.set(name, [...(reasons.get(name) ?? []), err]);
  };
  const names = [...all.keys()].sort(byName);

  for (const name of names) {
    const m = all.get(name)!.manifest;
    if (!semver.satisfies(opts.kernelVersion, m.engines.omega, { includePrerelease: true })) {
      refuse(
        name,
        omegaError(
          'OMEGA_ERR_PLUGIN_INCOMPATIBLE',
          `Plugin "${name}" ${m.version} needs kernel ${m.engines.omega}; this kernel is ${opts.kernelVersion}.`,
          { plugin: name, version: m.version, range: m.engines.omega, kernelVersion: opts.kernelVersion },
        ),
      );
    }
    for (const [dep, range] of Object.entries(m.dependencies).sort(([a], [b]) => byName(a, b))) {
      const found = all.get(dep)?.manifest.version;
      if (found === undefined) {
        refuse(
          name,
          omegaError(
            'OMEGA_ERR_PLUGIN_DEPENDENCY',
            `Plugin "${name}" needs "${dep}" ${range}, which is not installed.`,
            {
              plugin: name,
              dependency: dep,
              range,
            },
          ),
        );
      } else if (!semver.satisfies(found, range, { includePrerelease: true })) {
        refuse(
          name,
          omegaError(
            'OMEGA_ERR_PLUGIN_DEPENDENCY',
            `Plugin "${name}" needs "${dep}" ${range}, but ${dep} ${found} is installed.`,
            { plugin: name, dependency: dep, range, found },
          ),
        );
      }
    }
  }

  const deps = new Map(
    names.map((n) => [
      n,
      Object.keys(all.get(n)!.manifest.dependencies)
        .filter((d) => all.has(d))
        .sort(byName),
    ]),
  );
  for (const cycle of findCycles(deps)) {
    const path = cycle.path.join(' → ');
    for (const name of cycle.members) {
      refuse(
        name,
        omegaError('OMEGA_ERR_PLUGIN_DEPENDENCY', `Plugin "${name}" is in a dependency cycle: ${path}.`, {
          plugin: name,
          cycle: cycle.path,
          component: cycle.members,
        }),
      );
    }
  }

  // A plugin whose dependency is refused is refused too, saying which and why; repeat to a fixpoint.
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of names) {
      for (const dep of deps.get(name)!) {
        const depReasons = reasons.get(dep);
        const mine = reasons.get(name) ?? [];
        if (depReasons === undefined || mine.some((e) => e.extras.refusedDependency === dep)) continue;
        if (
          mine.some(
            (e) => Array.isArray(e.extras.component) && (e.extras.component as string[]).includes(dep),
          )
        )
          continue;
        refuse(
          name,
          omegaError(
            'OMEGA_ERR_PLUGIN_DEPENDENCY',
            `Plugin "${name}" needs "${dep}", which cannot start: ${depReasons[0]!.message}`,
            { plugin: name, dependency: dep, refusedDependency: dep },
          ),
        );
        changed = true;
      }
    }
  }

  // Kahn's algorithm over the accepted plugins, always taking the smallest ready name.
  const accepted = names.filter((n) => !reasons.has(n));
  const waiting = new Map(accepted.map((n) => [n, deps.get(n)!.length]));
  const dependents = new Map<string, string[]>();
  for (const n of accepted)
    for (const d of deps.get(n)!) dependents.set(d, [...(dependents.get(d) ?? []), n]);
  const ready = accepted.filter((n) => waiting.get(n) === 0);
  const start: T[] = [];
  while (ready.length > 0) {
    ready.sort(byName);
    const n = ready.shift()!;
    start.push(all.get(n)!);
    for (const m of dependents.get(n) ?? []) {
      const left = waiting.get(m)! - 1;
      waiting.set(m, left);
      if (left === 0) ready.push(m);
    }
  }
  const refused = [...reasons.entries()]
    .sort(([a], [b]) => byName(a, b))
    .map(([name, r]) => ({ name, reasons: r }));
  return { start, refused };
}
