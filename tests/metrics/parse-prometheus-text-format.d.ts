declare module 'parse-prometheus-text-format' {
  /** One sample of a parsed family (prom2json shape). */
  export interface ParsedMetric {
    value?: string;
    labels?: Record<string, string>;
  }
  /** One parsed metric family. */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: string;
    metrics: ParsedMetric[];
  }
  /** Parses Prometheus text exposition into families. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
