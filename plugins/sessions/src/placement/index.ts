export { demandOf } from './demand-of.js';
export { fillOrder, findNode } from './find-node.js';
export { fitOnNode, ineligible } from './fit-node.js';
export { freeCapacity } from './node-free.js';
export { coresText, pendingReason } from './pending-reason.js';
export { pickCpus } from './pick-cpus.js';
export type { Allocation, Demand, Fit, NodeFree, PlacementNode } from './placement-types.js';
export { type PassResult, schedulePass } from './schedule-pass.js';
export { toPlacementNode, unschedulableReason } from './to-placement-node.js';
