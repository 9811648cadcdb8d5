/** Locale-aware formatting of numbers, sizes, times and durations (Intl, the browser's language). */
const locale = navigator.language || 'en';
const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });

/** 1234.5 → "1,234.5". */
export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : num.format(n);
}

/** 0.423 → "42.3%". */
export function formatRatio(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : pct.format(n);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${n < 0 ? '-' : ''}${num.format(v)} ${UNITS[i]}`;
}

/** A value in the unit the metrics API names (ratio, bytes, bytes/s, …). */
export function formatUnit(value: number | null | undefined, unit: string): string {
  if (unit === 'ratio') return formatRatio(value);
  if (unit === 'bytes') return formatBytes(value);
  if (unit === 'bytes/s') return `${formatBytes(value)}/s`;
  if (unit === 'celsius') return `${formatNumber(value)} °C`;
  return `${formatNumber(value)}${unit ? ` ${unit}` : ''}`;
}

/** An ISO time or epoch ms → "5 Dec 2026, 10:04:05". */
export function formatTime(t: string | number | null | undefined): string {
  if (t === null || t === undefined || t === '') return '–';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? '–' : dateTime.format(d);
}

/** Only the clock time. */
export function formatClock(t: string | number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? '–' : timeOnly.format(d);
}

/** 93_000 ms → "1m 33s"; 2 days → "2d 0h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
