import { inline } from './terminal-safe.js';

/** One cell of a listing line: its text, and how it fits its column. */
export interface Cell {
  text: string;
  /** Padded with spaces to this width: after the text, or before it when `right`. */
  width?: number;
  right?: true;
  /** At most this many characters: the rest cut off, or with `ellipsis` the last one a `…`. */
  max?: number;
  ellipsis?: true;
}

/** A cell's text, made one line, cut and padded as it says. */
function fit(cell: string | Cell): string {
  const c = typeof cell === 'string' ? { text: cell } : cell;
  let text = inline(c.text);
  if (c.max !== undefined && text.length > c.max)
    text = c.ellipsis ? `${text.slice(0, c.max - 1)}…` : text.slice(0, c.max);
  if (c.width === undefined) return text;
  return c.right ? text.padStart(c.width) : text.padEnd(c.width);
}

/**
 * One line of a listing (a row of `nodes list`, `sessions list`, `alerts silences`…): every cell
 * through inline() before it is cut and padded, then the cells joined by one space (an empty
 * cell makes a wider gap). Much of what a listing shows is someone else's text — an agent's
 * reason, a user's cancel reason or silence reason, a plugin's error — and a newline in it
 * would print a line of its own that looks like a row; every listing renders here, so none can
 * forget it. (Other control characters are made visible by output()'s terminalSafe.)
 */
export function listingLine(cells: ReadonlyArray<string | Cell>): string {
  return cells.map(fit).join(' ');
}

/** A line of a details view (`nodes show`, `sessions show`): its label in a column of 12, then its cells. */
export function fieldLine(label: string, ...cells: ReadonlyArray<string | Cell>): string {
  return listingLine([{ text: label, width: 12 }, ...cells]);
}
