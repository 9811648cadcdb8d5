import type { SeriesEvent } from '../contract.js';
import type { Sample } from './summary-series.js';

/** Largest `resources.series` event (the bus takes 64 KiB of data). */
const MAX_EVENT_BYTES = 60_000;

/**
 * Collects samples per node and hands them out as `resources.series` events of at most
 * 60,000 bytes each (the metrics plugin records them in its tiers). A node's newer samples
 * replace its older ones still waiting: at most one sample per series per flush.
 */
export class SeriesBatcher {
  private pending = new Map<string, Map<string, Sample>>();

  add(node: string, samples: readonly Sample[]): void {
    if (samples.length === 0) return;
    let m = this.pending.get(node);
    if (!m) {
      m = new Map();
      this.pending.set(node, m);
    }
    for (const s of samples) m.set(`${s[0]}${JSON.stringify(s[1])}`, s);
  }

  /** The events to publish now (empty when nothing waits). */
  flush(at: number): SeriesEvent[] {
    const out: SeriesEvent[] = [];
    let current: SeriesEvent = { at, nodes: [] };
    let bytes = 32;
    for (const [node, m] of this.pending) {
      const samples = [...m.values()];
      // A node with more samples than one event holds is split over several.
      for (let i = 0; i < samples.length; ) {
        const part: Sample[] = [];
        let partBytes = node.length + 32;
        while (i < samples.length) {
          const b = JSON.stringify(samples[i]).length + 1;
          if (bytes + partBytes + b > MAX_EVENT_BYTES && (part.length > 0 || current.nodes.length > 0)) break;
          part.push(samples[i]!);
          partBytes += b;
          i++;
        }
        if (part.length > 0) {
          current.nodes.push({ node, samples: part });
          bytes += partBytes;
        }
        if (i < samples.length) {
          out.push(current);
          current = { at, nodes: [] };
          bytes = 32;
        }
      }
    }
    if (current.nodes.length > 0) out.push(current);
    this.pending = new Map();
    return out;
  }
}
