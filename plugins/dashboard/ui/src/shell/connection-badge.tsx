import { t } from '../i18n/t.js';
import { useStore } from '../state/store.js';
import { useServices } from './services.js';

/** The live stream's state: live, connecting, reconnecting (events are held by the kernel and replayed). */
export function ConnectionBadge() {
  const { stream } = useServices();
  const status = useStore(stream.status);
  return (
    <span class={`badge badge-conn badge-${status}`} role="status" aria-live="polite" data-conn={status}>
      <span class="dot" aria-hidden="true" />
      {t(`conn.${status}`)}
    </span>
  );
}
