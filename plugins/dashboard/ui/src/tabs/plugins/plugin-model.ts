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
}

/** A permission diff of a marketplace plan step. */
export interface PermissionDiff {
  added: string[];
  widened: Array<{ from: string; to: string }>;
  removed: string[];
  largerLimits: Array<{ limit: string; from: number; to: number }>;
  publisherKey?: { from: string; to: string };
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
