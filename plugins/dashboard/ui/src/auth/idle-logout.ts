/** Admins are signed out after this long without a key press, click, touch or scroll. */
export const ADMIN_IDLE_MS = 15 * 60_000;

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Calls `onIdle` once `idleMs` pass without user activity in `target`. Checked against the
 * clock (not only a timer), so a laptop that slept past the limit signs out on wake. Returns
 * its undo.
 */
export function watchIdle(target: Window, idleMs: number, onIdle: () => void): () => void {
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, last + idleMs - Date.now()));
  };
  const check = () => {
    if (Date.now() - last >= idleMs) {
      stop();
      onIdle();
    } else arm();
  };
  const active = () => {
    last = Date.now();
  };
  const onVisible = () => {
    if (target.document.visibilityState === 'visible') check();
  };
  const stop = () => {
    if (timer) clearTimeout(timer);
    for (const e of ACTIVITY) target.removeEventListener(e, active, true);
    target.document.removeEventListener('visibilitychange', onVisible);
  };
  for (const e of ACTIVITY) target.addEventListener(e, active, { capture: true, passive: true });
  target.document.addEventListener('visibilitychange', onVisible);
  arm();
  return stop;
}
