import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from '../components/status-views.js';
import { t } from '../i18n/t.js';
import type { TabSpec } from './tab-registry.js';

const loaded = new Map<string, ComponentType>();

/** Loads a tab's chunk on first visit (then keeps it) and renders it. */
export function LazyTab({ tab }: { tab: TabSpec }) {
  const [View, setView] = useState<ComponentType | undefined>(() => loaded.get(tab.id));
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const have = loaded.get(tab.id);
    if (have) {
      setView(() => have);
      return;
    }
    setView(undefined);
    let live = true;
    tab.load().then(
      (C) => {
        loaded.set(tab.id, C);
        if (live) setView(() => C);
      },
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [tab]);
  if (error !== undefined) return <ErrorNotice error={error} />;
  if (!View)
    return (
      <p class="muted" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  return <View />;
}
