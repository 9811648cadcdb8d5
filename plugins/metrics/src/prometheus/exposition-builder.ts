import { escapeLabelValue, labelOrder } from '../series/series-id.js';

type Family = { help: string; type: 'gauge' | 'counter'; lines: string[] };

const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** Formats a sample value as the text format wants it (`NaN`, `+Inf`, `-Inf` spelled out). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/**
 * Collects samples by metric family, so each family is written once with its HELP and TYPE
 * lines and all its samples together, whichever node they came from (Prometheus text format
 * 0.0.4). Undefined and non-finite values are left out: an absent sensor is absent.
 */
export class ExpositionBuilder {
  private readonly families = new Map<string, Family>();

  /** Adds one sample of family `name`. */
  add(
    name: string,
    type: 'gauge' | 'counter',
    help: string,
    labels: Record<string, string>,
    value: number | undefined,
  ): void {
    if (value === undefined || !Number.isFinite(value)) return;
    let f = this.families.get(name);
    if (!f) {
      f = { help, type, lines: [] };
      this.families.set(name, f);
    }
    const keys = labelOrder(labels);
    const l =
      keys.length === 0
        ? ''
        : `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] ?? '')}"`).join(',')}}`;
    f.lines.push(`${name}${l} ${formatValue(value)}`);
  }

  /** The exposition text. */
  render(): string {
    let out = '';
    for (const [name, f] of this.families) {
      out += `# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} ${f.type}\n${f.lines.join('\n')}\n`;
    }
    return out;
  }
}
