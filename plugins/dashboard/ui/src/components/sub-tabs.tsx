import { setParams } from '../state/url-state.js';

/** Views within a tab (in the URL as `view`), as a row of buttons. */
export function SubTabs<T extends string>({
  views,
  current,
  label,
}: {
  views: ReadonlyArray<{ id: T; label: string }>;
  current: T;
  label: string;
}) {
  return (
    <fieldset class="segmented">
      <legend class="visually-hidden">{label}</legend>
      {views.map((v) => (
        <button
          type="button"
          key={v.id}
          class="btn btn-small"
          aria-pressed={v.id === current}
          data-view={v.id}
          onClick={() => setParams({ view: v.id }, 'push')}
        >
          {v.label}
        </button>
      ))}
    </fieldset>
  );
}
