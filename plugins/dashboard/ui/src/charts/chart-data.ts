/** One line of a chart: its points, and optionally the min and max of each bucket (a band). */
export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  min?: Array<number | null>;
  max?: Array<number | null>;
}

/** What a chart draws: shared timestamps (epoch ms) and one or more series in one unit. */
export interface ChartData {
  times: number[];
  unit: string;
  series: ChartSeries[];
}

/** Rows for the table view and CSV: time, then per series value (and min, max when present). */
export function chartRows(d: ChartData): { header: string[]; rows: Array<Array<number | string | null>> } {
  const header = ['time'];
  for (const s of d.series) {
    header.push(s.label);
    if (s.min && s.max) header.push(`${s.label} (min)`, `${s.label} (max)`);
  }
  const rows = d.times.map((t, i) => {
    const row: Array<number | string | null> = [new Date(t).toISOString()];
    for (const s of d.series) {
      row.push(s.values[i] ?? null);
      if (s.min && s.max) row.push(s.min[i] ?? null, s.max[i] ?? null);
    }
    return row;
  });
  return { header, rows };
}
