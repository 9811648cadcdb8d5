/** A literal path segment: unreserved URL characters, never `.` or `..`. */
const LITERAL = /^[A-Za-z0-9._~-]+$/;
/** A hono-style parameter segment, `:name`. */
const PARAM = /^:[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why `path` is not a valid route path (relative to `/api/v1/<plugin>`), or null when it is:
 * starts with `/`, segments are literals or `:param`, no empty segment (`//`, trailing `/`),
 * no `.`/`..`, parameter names unique. `/` alone is the plugin's root.
 */
export function routePathProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'must start with "/"';
  if (path === '/') return null;
  if (path.length > 256) return 'is longer than 256 characters';
  const params = new Set<string>();
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return 'must not contain an empty segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
    if (segment.startsWith(':')) {
      if (!PARAM.test(segment)) return `has an invalid parameter "${segment}" (use :name)`;
      if (params.has(segment)) return `repeats the parameter "${segment}"`;
      params.add(segment);
    } else if (!LITERAL.test(segment)) {
      return `has an invalid segment "${segment}" (use letters, digits, . _ ~ - or :param)`;
    }
  }
  return null;
}

/** The shape of a path for duplicate detection: parameter names do not tell two routes apart. */
export function routeShape(path: string): string {
  return path
    .split('/')
    .map((s) => (s.startsWith(':') ? ':' : s))
    .join('/');
}

/**
 * A route as one text, parameter names aside (`GET /a/:`): what tells two routes of a manifest
 * apart, what a consent diff compares across versions and how an operator's route override
 * (written `GET /a/:id`) finds its route.
 */
export function routeShapeKey(method: string, path: string): string {
  return `${method} ${routeShape(path)}`;
}
