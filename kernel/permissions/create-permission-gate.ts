import type { CapabilityDescriptor } from '@omega/protocol';
import {
  capabilityCovers,
  capabilityKind,
  formatCapability,
  intersectCapabilities,
  parseCapability,
} from '@omega/protocol';
import { hasErrorCode, omegaError } from '../errors/index.js';
import { type NormalizedRequest, normalizeRequest } from './normalize-request.js';
import { createPermissionIndex } from './permission-index.js';
import { reservedTopicReason } from './reserved-topic.js';

/** What the gate records for every denial (the kernel turns it into an audit event). */
export interface DenyRecord {
  plugin: string;
  /** The request as a manifest string (or a description when it could not be normalised). */
  asked: string;
  /** The plugin's declared permissions, canonical. */
  declared: string[];
  reason: string;
}

/** Options of {@link createPermissionGate}. */
export interface PermissionGateOptions {
  plugin: string;
  /** The manifest's `permissions`. */
  declared: readonly string[];
  /** What the operator granted. */
  granted: readonly string[];
  /** What the operator denied; deny wins over any grant, a broad deny over a narrow grant too. */
  denied?: readonly string[];
  /** Called once per denial, before check() throws. */
  onDeny?: (record: DenyRecord) => void;
}

/** One plugin's choke point: every host call asks it first. */
export interface PermissionGate {
  /** Normalises `requested`, then throws OMEGA_ERR_PERM_DENIED (and calls onDeny) unless allowed. */
  check(requested: CapabilityDescriptor): void;
  /** Like check, but answers instead of throwing and records nothing. */
  allows(requested: CapabilityDescriptor): boolean;
  /** What the plugin may use: declared ∩ granted, without what a deny fully covers. */
  effective(): CapabilityDescriptor[];
}

/** Allowed requests a gate remembers; past this many distinct ones it forgets them all and starts again. */
export const GATE_MEMO_MAX = 256;

/**
 * A request read once, as the plugin's arguments made it: its memo key (kind and raw scope,
 * before normalisation) and what to copy into a plain request on a miss (normalised and decided
 * from that copy, so the key and the decision are about the same values). Undefined for a
 * malformed request (never remembered; decided from the original, which refuses it).
 */
interface ReadRequest {
  key: string;
  kind: string;
  field?: string;
  raw?: string;
}

function readRequest(requested: CapabilityDescriptor): ReadRequest | undefined {
  const r = requested as unknown as Record<string, unknown> | null;
  const kind = typeof r === 'object' && r !== null ? r.kind : undefined;
  if (typeof kind !== 'string') return undefined;
  const spec = capabilityKind(kind);
  if (!spec) return undefined;
  if (!spec.scope) return { key: kind, kind };
  const field = spec.scope.field;
  const raw = r?.[field];
  return typeof raw === 'string' ? { key: `${kind}\u0000${raw}`, kind, field, raw } : undefined;
}

/** The plain request a {@link ReadRequest} stands for. */
const plainOf = (read: ReadRequest): CapabilityDescriptor =>
  (read.field === undefined
    ? { kind: read.kind }
    : { kind: read.kind, [read.field]: read.raw }) as CapabilityDescriptor;

const parseAll = (list: readonly string[]): CapabilityDescriptor[] => list.map((s) => parseCapability(s));

/** Declared ∩ granted, pairwise, minus what a deny fully covers; deduplicated. */
function computeEffective(
  declared: CapabilityDescriptor[],
  granted: CapabilityDescriptor[],
  denied: CapabilityDescriptor[],
): CapabilityDescriptor[] {
  const out = new Map<string, CapabilityDescriptor>();
  for (const d of declared) {
    for (const g of granted) {
      const both = intersectCapabilities(d, g);
      if (both === null || denied.some((x) => capabilityCovers(x, both))) continue;
      out.set(formatCapability(both), both);
    }
  }
  const all = [...out.values()];
  // Drop entries another entry already covers, so the list reads as the operator means it.
  return all.filter(
    (e, i) => !all.some((o, j) => j !== i && capabilityCovers(o, e) && !capabilityCovers(e, o)),
  );
}

/**
 * Builds the permission gate of one plugin. All strings are parsed (and normalised) once here;
 * an invalid one throws OMEGA_ERR_MANIFEST_INVALID. check() then costs a normalisation plus a
 * Set lookup or a scan of the plugin's few patterns — once per distinct request: an allowed
 * request is remembered by its raw kind and scope (a collector's per-second publish and area
 * reads were five normalisations a second, the same five). The gate never changes its grants:
 * a grant change (enable, disable, upgrade, the operator's grant or revoke, applied on reload)
 * builds a new gate, so nothing remembered outlives the grants it was decided under. Denials
 * are never remembered: each one is explained and recorded again.
 */
export function createPermissionGate(opts: PermissionGateOptions): PermissionGate {
  const declared = parseAll(opts.declared);
  const granted = parseAll(opts.granted);
  const denied = parseAll(opts.denied ?? []);
  const effectiveList = computeEffective(declared, granted, denied);
  const allow = createPermissionIndex(effectiveList);
  const deny = createPermissionIndex(denied);
  const declaredIdx = createPermissionIndex(declared);
  const grantedIdx = createPermissionIndex(granted);
  const declaredStrings = declared.map(formatCapability);

  /** Topics no grant opens to this plugin (the kernel's, another plugin's audit records). */
  const reserved = (req: NormalizedRequest): string | undefined =>
    req.descriptor.kind === 'events.publish'
      ? reservedTopicReason(opts.plugin, req.descriptor.topic)
      : undefined;
  const decide = (req: NormalizedRequest): boolean =>
    reserved(req) === undefined && !deny.overlaps(req) && allow.covers(req);

  const refuse = (asked: string, reason: string, fix: string): never => {
    opts.onDeny?.({ plugin: opts.plugin, asked, declared: [...declaredStrings], reason });
    throw omegaError('OMEGA_ERR_PERM_DENIED', `Plugin "${opts.plugin}" may not ${asked}: ${reason}.`, {
      plugin: opts.plugin,
      asked,
      declared: [...declaredStrings],
      reason,
      fix,
    });
  };

  const explain = (req: NormalizedRequest): never => {
    const asked = formatCapability(req.descriptor);
    const why = reserved(req);
    if (why !== undefined) {
      return refuse(asked, why, 'Publish on topics of your own (e.g. <plugin>.*); no grant opens this one.');
    }
    if (deny.overlaps(req)) {
      return refuse(
        asked,
        'denied by the operator',
        `Remove the matching entry from "denied" in the grants of "${opts.plugin}".`,
      );
    }
    if (!declaredIdx.covers(req)) {
      return refuse(
        asked,
        'not declared in plugin.json',
        `Add "${asked}" (or a permission covering it) to "permissions" in plugin.json; the operator must then grant it.`,
      );
    }
    if (!grantedIdx.covers(req)) {
      return refuse(
        asked,
        'declared but not granted by the operator',
        `Grant "${asked}" to "${opts.plugin}" in the grants file or through the admin API.`,
      );
    }
    return refuse(
      asked,
      'not allowed by any single permission both declared and granted',
      `Declare and grant one permission covering "${asked}".`,
    );
  };

  /** Keys of requests found allowed (see readRequest); cleared when full. */
  const allowed = new Set<string>();
  const remember = (key: string | undefined): void => {
    if (key === undefined) return;
    if (allowed.size >= GATE_MEMO_MAX) allowed.clear();
    allowed.add(key);
  };

  return {
    check(requested) {
      const read = readRequest(requested);
      if (read !== undefined && allowed.has(read.key)) return;
      let req: NormalizedRequest;
      try {
        req = normalizeRequest(read ? plainOf(read) : requested);
      } catch (err) {
        const why = hasErrorCode(err) ? err.message : 'malformed request';
        const kind = (requested as { kind?: unknown } | null)?.kind;
        return refuse(String(kind), `invalid resource: ${why}`, 'Ask for a valid, normalised resource.');
      }
      if (!decide(req)) explain(req);
      remember(read?.key);
    },
    allows(requested) {
      const read = readRequest(requested);
      if (read !== undefined && allowed.has(read.key)) return true;
      try {
        const ok = decide(normalizeRequest(read ? plainOf(read) : requested));
        if (ok) remember(read?.key);
        return ok;
      } catch {
        return false;
      }
    },
    effective: () => effectiveList.map((d) => ({ ...d })),
  };
}
