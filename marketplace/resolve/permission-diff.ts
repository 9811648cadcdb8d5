import type { PluginManifest } from '@omega/protocol';
import { capabilityCovers, parseCapability } from '@omega/protocol';

/** What changes in what a plugin may do between two versions, for the operator to approve. */
export interface PermissionDiff {
  /** New permissions unrelated to any old one. */
  added: string[];
  /** Old permissions replaced by a broader one (e.g. `events:publish:nodes.up` → `events:publish:nodes.*`). */
  widened: Array<{ from: string; to: string }>;
  /** Old permissions no longer asked for (or narrowed). */
  removed: string[];
  /** Resource limits that grow. */
  largerLimits: Array<{ limit: string; from: number; to: number }>;
  /** The publisher key that signed the release changed (or the publisher itself). */
  publisherKey?: { from: string; to: string };
  /** True when any of the above asks for more: the operator must consent. */
  escalating: boolean;
}

/** The signed identity of an installed or candidate release. */
export interface ReleaseIdentity {
  manifest: PluginManifest;
  publisher: string;
  signer: string;
}

/**
 * Compares what `next` may do with what `current` may do (nothing, for a fresh install).
 * Coverage uses the kernel's permission semantics (`capabilityCovers`), so a broader topic
 * pattern is "widened", not "added + removed".
 */
export function permissionDiff(current: ReleaseIdentity | undefined, next: ReleaseIdentity): PermissionDiff {
  const oldPerms = current?.manifest.permissions ?? [];
  const newPerms = next.manifest.permissions;
  const parsed = (s: string) => parseCapability(s);
  const added: string[] = [];
  const widened: PermissionDiff['widened'] = [];
  for (const p of newPerms) {
    const pd = parsed(p);
    if (oldPerms.some((q) => capabilityCovers(parsed(q), pd))) continue;
    const narrower = oldPerms.find((q) => capabilityCovers(pd, parsed(q)));
    if (narrower !== undefined) widened.push({ from: narrower, to: p });
    else added.push(p);
  }
  const removed = oldPerms.filter((q) => !newPerms.some((p) => capabilityCovers(parsed(p), parsed(q))));
  const largerLimits: PermissionDiff['largerLimits'] = [];
  if (current) {
    for (const limit of ['memoryMb', 'callTimeoutMs'] as const) {
      const from = current.manifest.limits[limit];
      const to = next.manifest.limits[limit];
      if (to > from) largerLimits.push({ limit, from, to });
    }
  }
  const from = current ? `${current.publisher}/${current.signer}` : undefined;
  const to = `${next.publisher}/${next.signer}`;
  const publisherKey = from !== undefined && from !== to ? { from, to } : undefined;
  return {
    added,
    widened,
    removed,
    largerLimits,
    ...(publisherKey ? { publisherKey } : {}),
    escalating:
      added.length > 0 || widened.length > 0 || largerLimits.length > 0 || publisherKey !== undefined,
  };
}
