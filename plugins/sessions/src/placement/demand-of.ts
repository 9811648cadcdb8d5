import { parseSelector } from '@omega/sdk';
import type { SessionSpec } from '../contract.js';
import type { Demand, EnforcedFeature } from './placement-types.js';

/** What a session's spec asks placement for. */
export function demandOf(id: string, spec: SessionSpec): Demand {
  const r = spec.resources;
  const parsed = parseSelector(spec.nodeSelector);
  const needs: EnforcedFeature[] = [];
  if (spec.enforcement === 'required') {
    needs.push('memory');
    if (r.cores !== undefined) needs.push('cpuset');
    else needs.push('cpuCap');
    if (r.pidsMax !== undefined) needs.push('pids');
    if (r.diskBytes !== undefined) needs.push('diskQuota');
  }
  return {
    session: id,
    ...(r.cores !== undefined ? { cores: r.cores } : {}),
    millicores: r.cores !== undefined ? r.cores * 1000 : (r.millicores ?? 1000),
    memoryBytes: r.memoryBytes,
    gpus: r.gpus,
    ...(r.gpuModel !== undefined ? { gpuModel: r.gpuModel } : {}),
    selector: 'terms' in parsed ? parsed.terms : [],
    needs,
    strategy: spec.placement,
  };
}
