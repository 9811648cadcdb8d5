import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/** One column of a {@link VirtualTable}. */
export interface Column<T> {
  key: string;
  label: string;
  /** CSS width of the column, e.g. `12rem` or `20%`. */
  width?: string;
  /** Hidden on narrow screens. */
  optional?: boolean;
  render: (row: T) => ComponentChildren;
}

/** Rows drawn beyond the visible ones, above and below. */
const OVERSCAN = 8;

/**
 * A real <table> that renders only the rows in view (plus a few) between two spacer rows, so
 * 1,000 or 10,000 rows cost what 30 do; the header stays put (sticky). Sizes go through CSSOM
 * (the CSP forbids style attributes from strings).
 */
export function VirtualTable<T>(props: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  rowHeight?: number;
  height?: number;
  label: string;
  selectedKey?: string | null;
}) {
  const rowHeight = props.rowHeight ?? 36;
  const viewport = props.height ?? 480;
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(props.rows.length, Math.ceil((top + viewport) / rowHeight) + OVERSCAN);
  const visible = props.rows.slice(first, last);
  const cols = props.columns.length;
  const cls = (c: Column<T>) => (c.optional ? 'col-optional' : undefined);
  return (
    <section
      class="vscroll"
      aria-label={props.label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
      style={{ maxHeight: `${viewport + 40}px` }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
    >
      <table class="vtable" aria-rowcount={props.rows.length + 1}>
        <colgroup>
          {props.columns.map((c) => (
            <col key={c.key} class={cls(c)} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {props.columns.map((c) => (
              <th key={c.key} scope="col" class={cls(c)}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {first > 0 ? (
            // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row holds no content and nothing focusable
            <tr class="spacer-row" aria-hidden="true">
              <td colSpan={cols} style={{ height: `${first * rowHeight}px` }} />
            </tr>
          ) : null}
          {visible.map((row, i) => {
            const key = props.rowKey(row);
            return (
              <tr
                key={key}
                aria-rowindex={first + i + 2}
                data-selected={props.selectedKey === key ? 'true' : undefined}
                style={{ height: `${rowHeight}px` }}
              >
                {props.columns.map((c) => (
                  <td key={c.key} class={cls(c)}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
          {last < props.rows.length ? (
            // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row holds no content and nothing focusable
            <tr class="spacer-row" aria-hidden="true">
              <td colSpan={cols} style={{ height: `${(props.rows.length - last) * rowHeight}px` }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}
