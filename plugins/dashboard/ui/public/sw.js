// Omega dashboard service worker: installable PWA and an offline shell.
// - Hashed assets (assets/*) are immutable: cache first.
// - The page itself: network first (the kernel serves it no-cache), the cached copy when offline.
// - Never the API: /api/ requests (and anything not under this scope) go straight to the network.
const CACHE = 'omega-dashboard-v1';
const SCOPE = new URL(self.registration.scope);

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) =>
        c.addAll([SCOPE.href, new URL('manifest.webmanifest', SCOPE).href, new URL('icon.svg', SCOPE).href]),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  if (url.pathname.includes('/api/')) return;
  if (url.pathname.startsWith(`${SCOPE.pathname}assets/`)) {
    event.respondWith(
      caches.match(req).then(
        (hit) =>
          hit ||
          fetch(req).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              caches.open(CACHE).then((c) => c.put(req, copy));
            }
            return res;
          }),
      ),
    );
    return;
  }
  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put(SCOPE.href, copy));
          }
          return res;
        })
        .catch(() => caches.match(SCOPE.href).then((hit) => hit || Response.error())),
    );
  }
});
