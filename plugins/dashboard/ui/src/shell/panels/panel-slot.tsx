import { useAsync } from '../../components/use-async.js';
import { useServices } from '../services.js';
import { PanelFrame } from './panel-frame.js';
import type { PanelSpec } from './panel-spec.js';

/**
 * The granted panels of running plugins that go in `slot` (e.g. the node page, with `context`
 * `{ id }`), each in its own sandboxed frame; nothing when there are none or the user may not
 * list plugins.
 */
export function PanelSlot({
  slot,
  context = {},
}: {
  slot: PanelSpec['slot'];
  context?: Record<string, string>;
}) {
  const { api, auth } = useServices();
  const allowed = auth.can('plugins:read');
  const list = useAsync(
    (signal) =>
      allowed ? api.get<{ items: PanelSpec[] }>('/ui/panels', signal) : Promise.resolve({ items: [] }),
    [allowed],
  );
  const items = (list.data?.items ?? []).filter((p) => p.slot === slot);
  if (items.length === 0) return null;
  return (
    <div class="panel-slot stack" data-panel-slot={slot}>
      {items.map((p) => (
        <PanelFrame key={`${p.plugin}/${p.id}`} spec={p} context={context} />
      ))}
    </div>
  );
}
