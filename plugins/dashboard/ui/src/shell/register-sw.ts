/**
 * Registers the service worker (`sw.js`, next to index.html) that makes the dashboard an
 * installable PWA and keeps its shell available offline. Scope: the dashboard's own path.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  addEventListener('load', () => {
    navigator.serviceWorker.register(new URL('./sw.js', location.href), { scope: './' }).catch(() => {
      // Not fatal: the dashboard works without it, just not offline or installed.
    });
  });
}
