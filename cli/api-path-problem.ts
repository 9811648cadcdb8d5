/**
 * What is wrong with a kernel URL that ends in the API's own path (`…/api` or `…/api/v1`), or
 * undefined. The CLI adds `/api/v1/…` itself, so such a URL asked for `/api/api/v1/…` and got
 * "No route". It is refused rather than cut: a URL may carry a path (a kernel behind a proxy
 * under a prefix), and which part of it is the prefix is the user's to say. `from` names where
 * the URL came from (--url, $OMEGA_URL, a context).
 */
export function apiPathProblem(url: string, from: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  const m = /\/api(\/v1)?$/i.exec(path);
  if (!m) return undefined;
  const base = `${u.origin}${path.slice(0, m.index)}`;
  return `${from} is the kernel's base URL, without the API path: give ${base} (got ${url})`;
}
