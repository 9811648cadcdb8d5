import { createHash } from 'node:crypto';
import { canonicalJson } from '../metadata/index.js';
import { dropsAuthProvider, type PermissionDiff } from './permission-diff.js';

/** A change the operator asked for: from a marketplace, or a packed plugin file sent to the kernel. */
export type PlanRequest =
  | { op: 'install'; name: string; range?: string }
  | { op: 'upgrade'; name?: string }
  | { op: 'rollback'; name: string }
  | { op: 'file'; name: string; upgrade?: boolean };

/** One step of a plan, as the operator reviews it. */
export interface PlanStep {
  name: string;
  from?: string;
  to: string;
  /** The marketplace source's name, or `file` for an uploaded archive. */
  source: string;
  publisher: string;
  /** sha512 integrity of the artifact (exactly the bytes that will be installed). */
  artifact: string;
  diff: PermissionDiff;
}

/** What a change would do; `consent` is the digest to send back to approve exactly this. */
export interface Plan {
  request: PlanRequest;
  steps: PlanStep[];
  /** True when a step asks for more than the operator approved: only `consent` lets it through. */
  escalating: boolean;
  /** sha256 (base64url) over the request and the steps (artifact integrity and diff included). */
  consent: string;
}

/**
 * Builds the plan the operator approves, with its consent digest. The digest covers each
 * artifact's integrity and diff, so an approval is of these bytes and this diff only: another
 * artifact, or an installed version that changed meanwhile, gives another digest.
 */
export function consentPlan(request: PlanRequest, steps: PlanStep[]): Plan {
  const consent = createHash('sha256').update(canonicalJson({ request, steps })).digest('base64url');
  return { request, steps, escalating: steps.some((s) => s.diff.escalating), consent };
}

/** One line per step and per change of the diff, as a CLI or an error message shows it. */
export function describePlan(plan: Plan): string {
  const lines: string[] = [];
  for (const s of plan.steps) {
    lines.push(
      `${s.name}: ${s.from ?? '(not installed)'} → ${s.to}  from ${s.source}, publisher ${s.publisher}`,
    );
    for (const p of s.diff.added) lines.push(`  + ${p}`);
    for (const w of s.diff.widened) lines.push(`  ↑ ${w.from} → ${w.to}`);
    for (const p of s.diff.removed) lines.push(`  - ${p}`);
    if (dropsAuthProvider(s.diff.removed))
      lines.push(
        `  ! without auth:provider ${s.name} no longer answers sign-in: if it is the kernel's auth provider, every sign-in ends`,
      );
    else if (s.diff.endsSignIn === 'service')
      lines.push(
        `  ! ${s.to} no longer declares the auth-provider service, so ${s.name} no longer answers sign-in: if it is the kernel's auth provider, every sign-in ends`,
      );
    for (const r of s.diff.routes ?? [])
      lines.push(
        r.from === undefined
          ? r.to === 'public'
            ? `  ! new public route ${r.route} (anyone may call it, signed in or not)`
            : `  + route ${r.route} (callers need ${r.to})`
          : `  ! route ${r.route} needs ${r.to === 'public' ? 'nothing: it becomes public' : r.to} (was ${r.from})`,
      );
    for (const p of s.diff.panels?.added ?? []) lines.push(`  + ${p}`);
    for (const p of s.diff.panels?.removed ?? []) lines.push(`  - ${p}`);
    for (const l of s.diff.limits) lines.push(`  ↑ limit ${l.limit} ${l.from ?? '(none)'} → ${l.to}`);
    if (s.diff.publisher)
      lines.push(
        `  ! publisher key ${s.diff.publisher.from ? s.diff.publisher.from.kid : '(unknown)'} → ${s.diff.publisher.to.kid}${s.diff.publisher.to.name ? ` (${s.diff.publisher.to.name})` : ''}`,
      );
  }
  if (plan.steps.length === 0) lines.push('nothing to change');
  else
    lines.push(
      plan.escalating
        ? plan.steps.some((s) => s.diff.endsSignIn !== undefined || dropsAuthProvider(s.diff.removed))
          ? 'This asks for more than is approved now, or ends sign-in: approve this exact plan.'
          : 'This asks for more than is approved now: approve this exact plan.'
        : 'Nothing new is asked for.',
    );
  return lines.join('\n');
}
