/*
 * The series ids the node-usage panel reads from `metrics.sample`'s `values` (each value is sent
 * once, by series id: `name{node="…",label="…"}`, `node` first, the other labels sorted, values
 * escaped as in the Prometheus text format — plugins/metrics/src/series/series-id.ts). Plain
 * JavaScript so the panel bundle has no TypeScript; plugins/metrics/test/panel-sample-ids.unit.test.ts
 * checks it against the collector's own seriesId().
 */

/** A label value as series ids write it (backslash, quote, newline escaped). */
const escapeLabel = (v) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * The ids of a node's CPU busy share (all cores) and memory in use.
 * @param {string} node the metrics plugin's node id (the node page's name)
 * @returns {{ cpu: string, mem: string }}
 */
export const sampleIdsOf = (node) => {
  const n = `node="${escapeLabel(node)}"`;
  return { cpu: `cpu.busy{${n},cpu="total"}`, mem: `memory.used{${n}}` };
};
