import { PanelFrame } from './panel-frame.js';
import type { PanelSpec } from './panel-spec.js';
import { usePanels } from './use-panels.js';

/**
 * The granted panels of running plugins that go in `slot` (the node page with `context`
 * `{ id, name }`, a session's page with `{ id }`), each in its own sandboxed frame; nothing when
 * there are none or the user may not list plugins. A panel revoked (or whose plugin stops)
 * leaves at once; a frame is keyed by its context too, so a new context frames it afresh (a
 * loaded frame never loads again, and it would never get a port for the new context).
 */
export function PanelSlot({
  slot,
  context = {},
}: {
  slot: PanelSpec['slot'];
  context?: Record<string, string>;
}) {
  const items = usePanels().items.filter((p) => p.slot === slot);
  if (items.length === 0) return null;
  const contextKey = JSON.stringify(context);
  return (
    <div class="panel-slot stack" data-panel-slot={slot}>
      {items.map((p) => (
        <PanelFrame key={`${p.plugin}/${p.id}/${contextKey}`} spec={p} context={context} />
      ))}
    </div>
  );
}
