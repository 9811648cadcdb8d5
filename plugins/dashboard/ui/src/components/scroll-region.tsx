import type { ComponentChildren } from 'preact';

/**
 * A scrollable region (wide tables, logs): focusable so keyboard users can scroll it, as
 * WCAG 2.1.1 and axe's scrollable-region-focusable ask, and named for screen readers.
 */
export function ScrollRegion(props: { label: string; class?: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe: scrollable-region-focusable)
    <section class={props.class ?? 'table-scroll'} aria-label={props.label} tabIndex={0}>
      {props.children}
    </section>
  );
}
