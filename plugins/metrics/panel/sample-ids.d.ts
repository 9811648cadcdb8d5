/** The ids of a node's CPU busy share (all cores) and memory in use in `metrics.sample`'s `values`. */
export declare function sampleIdsOf(node: string): { cpu: string; mem: string };
