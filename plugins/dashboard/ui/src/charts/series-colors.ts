/** Line colours chosen to stay distinct and readable on both the light and the dark theme. */
export const SERIES_COLORS = [
  '#3b82f6',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
];

/** The colour of series `i` (cycling). */
export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length] ?? '#3b82f6';
}

/** The same colour with alpha, for min/max bands. */
export function bandColor(i: number): string {
  return `${seriesColor(i)}33`;
}
