import { createContext } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { useServices } from '../services.js';
import type { PanelSpec } from './panel-spec.js';

/** The hosted-panel list as a view reads it: the panels, and whether the list has been read yet. */
export interface PanelList {
  items: readonly PanelSpec[];
  loaded: boolean;
}

/** Topics after which the list may have changed: a plugin started, stopped or was reloaded; panels granted or revoked. */
const CHANGES = ['plugins.plugin.*', 'plugins.admin.panels'];

/**
 * Reads the panels the dashboard may host (`GET /api/v1/ui/panels`: granted, plugin running),
 * again whenever a plugin changes state or an operator grants or revokes panels, so a revoked
 * panel leaves the page without a reload (the old list stays on screen while the new one is
 * read). Empty for a user who may not list plugins. The shell calls it once and provides it
 * ({@link PanelListContext}); views read it with {@link usePanels}.
 */
export function useHostedPanels(): PanelList {
  const { api, auth } = useServices();
  const allowed = auth.can('plugins:read');
  const list = useAsync(
    (signal) =>
      allowed ? api.get<{ items: PanelSpec[] }>('/ui/panels', signal) : Promise.resolve({ items: [] }),
    [allowed],
  );
  const reload = () => {
    if (allowed) list.reload();
  };
  useLive(CHANGES, reload, reload);
  return useMemo(
    () => ({
      items: Array.isArray(list.data?.items) ? list.data.items : [],
      loaded: list.data !== undefined || list.error !== undefined,
    }),
    [list.data, list.error],
  );
}

/** The one panel list of the signed-in shell (its tab bar and every slot see the same). */
export const PanelListContext = createContext<PanelList | null>(null);

/** The shell's panel list; throws outside `<PanelListContext.Provider>`. */
export function usePanels(): PanelList {
  const list = useContext(PanelListContext);
  if (!list) throw new Error('usePanels outside <PanelListContext.Provider>');
  return list;
}
