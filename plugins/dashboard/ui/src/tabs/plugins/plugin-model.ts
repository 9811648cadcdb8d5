/** A plugin as `GET /api/v1/plugins` lists it. */
export interface PluginInfo {
  name: string;
  version: string;
  description?: string;
  enabled: boolean;
  status: string;
  reasons: Array<string | { code?: string; message?: string; at?: string }>;
  permissions: { declared: string[]; granted: string[]; denied: string[]; missing: string[] };
  routes: Array<{ method: string; path: string; permission: string }>;
  /** Its UI panels: what each may be shown or ask for, and whether the operator granted it. */
  panels?: Array<{
    id: string;
    title: string;
    slot: string;
    topics: string[];
    reads: string[];
    actions: string[];
    granted: boolean;
  }>;
}

/** A permission diff of a marketplace plan step. */
export interface PermissionDiff {
  added: string[];
  widened: Array<{ from: string; to: string }>;
  removed: string[];
  /** Limits that grow; `from` is null when the old version had no such limit. */
  limits: Array<{ limit: string; from: number | null; to: number }>;
  /** Set when the signing publisher key changed (`from` null: the installed one is unknown). */
  publisher?: { from: { kid: string; name?: string } | null; to: { kid: string; name?: string } };
  /** UI panels new or changed, and no longer declared (one consent line each: id, slot, topics, reads, actions). */
  panels?: { added: string[]; removed: string[] };
  escalating: boolean;
}

/** What an install, upgrade or rollback would do; `consent` approves exactly this. */
export interface Plan {
  steps: Array<{
    name: string;
    from?: string;
    to: string;
    source: string;
    publisher: string;
    diff: PermissionDiff;
  }>;
  escalating: boolean;
  consent: string;
}

/** A reason as one line. */
export function reasonText(r: PluginInfo['reasons'][number]): string {
  return typeof r === 'string' ? r : [r.code, r.message].filter(Boolean).join(': ');
}
