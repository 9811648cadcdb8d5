import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ModalDialog } from '../components/modal-dialog.js';
import { t } from '../i18n/t.js';
import { useServices } from '../shell/services.js';
import { filterItems, type PaletteItem, paletteItems } from './palette-items.js';

const GROUP_LABEL = {
  tab: 'palette.group.tab',
  action: 'palette.group.action',
  plugin: 'palette.group.plugin',
  node: 'palette.group.node',
  session: 'palette.group.session',
} as const;

/** The Ctrl/Cmd+K palette: type to find a tab, node, session, plugin or action; Enter runs it. */
export function CommandPalette({ onClose }: { onClose: () => void }) {
  const { api, auth } = useServices();
  const [items, setItems] = useState<PaletteItem[]>([]);
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    let live = true;
    paletteItems(api, auth).then((all) => live && setItems(all));
    input.current?.focus();
    return () => {
      live = false;
    };
  }, [api, auth]);
  const hits = useMemo(() => filterItems(items, q), [items, q]);
  const run = (item: PaletteItem | undefined) => {
    if (!item) return;
    onClose();
    item.run();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(hits[active]);
    }
  };
  return (
    <ModalDialog title={t('palette.title')} onClose={onClose}>
      <input
        ref={input}
        class="palette-input"
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={hits[active] ? `palette-${active}` : undefined}
        aria-label={t('palette.placeholder')}
        placeholder={t('palette.placeholder')}
        value={q}
        onInput={(e) => {
          setQ(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKey}
      />
      <div id="palette-list" role="listbox" class="palette-list" aria-label={t('palette.results')}>
        {hits.map((item, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keyboard (aria-activedescendant)
          <div
            key={item.id}
            id={`palette-${i}`}
            role="option"
            aria-selected={i === active}
            tabIndex={-1}
            class={i === active ? 'palette-item active' : 'palette-item'}
            onClick={() => run(item)}
          >
            <span>{item.label}</span>
            <span class="muted">{t(GROUP_LABEL[item.group])}</span>
          </div>
        ))}
        {hits.length === 0 ? <p class="muted">{t('palette.none')}</p> : null}
      </div>
    </ModalDialog>
  );
}
