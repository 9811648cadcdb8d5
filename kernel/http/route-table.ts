import { omegaError } from '../errors/index.js';
import type { RouteSpec } from './route.js';

const PARAM = /^:[A-Za-z_][A-Za-z0-9_]*$/;

function pathRegex(path: string): RegExp {
  const parts = path
    .split('/')
    .map((seg) => (PARAM.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}$`);
}

/** Parameter names do not tell two routes apart: `/a/:id` and `/a/:name` collide. */
function shapeOf(path: string): string {
  return path
    .split('/')
    .map((seg) => (PARAM.test(seg) ? ':' : seg))
    .join('/');
}

/**
 * The kernel's route table. Every registration returns its undo, so unloading a plugin
 * removes exactly its routes. `version` changes on every add/remove so the HTTP app
 * knows when to rebuild its router.
 */
export class RouteTable {
  #routes = new Map<string, { spec: RouteSpec; re: RegExp }>();
  #version = 0;

  get version(): number {
    return this.#version;
  }

  /** Adds a route; a second route with the same method and path is refused. */
  add<B>(spec: RouteSpec<B>): () => void {
    const key = `${spec.method} ${shapeOf(spec.path)}`;
    const existing = this.#routes.get(key);
    if (existing) {
      const other = existing.spec;
      throw omegaError(
        'OMEGA_ERR_ALREADY_EXISTS',
        `Route ${spec.method} ${spec.path} collides with ${other.method} ${other.path} of ${other.owner}.`,
      );
    }
    const entry = { spec: spec as RouteSpec, re: pathRegex(spec.path) };
    this.#routes.set(key, entry);
    this.#version++;
    return () => {
      if (this.#routes.get(key) === entry) {
        this.#routes.delete(key);
        this.#version++;
      }
    };
  }

  /** Every route, in registration order. */
  list(): RouteSpec[] {
    return [...this.#routes.values()].map((e) => e.spec);
  }

  /** Methods registered for a concrete path (for 405 + Allow); HEAD is implied by GET. */
  methodsFor(path: string): string[] {
    const out = new Set<string>();
    for (const { spec, re } of this.#routes.values()) if (re.test(path)) out.add(spec.method);
    if (out.has('GET')) out.add('HEAD');
    return [...out];
  }
}
