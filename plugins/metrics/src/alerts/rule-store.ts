import { listAll, type PluginStorage, type StoredRecord } from '../persist/plugin-storage.js';
import type { AlertRuleSpec } from './alert-rule.js';

/** Collection of the alert rules. */
export const RULES_COLLECTION = 'rules';

/** A stored rule: the record's id, version and timestamps, and the spec. */
export type RuleRecord = StoredRecord<AlertRuleSpec>;

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** True when `id` may name a rule (lowercase letters, digits, `.`, `_`, `-`; ≤64). */
export function isRuleId(id: string): boolean {
  return RULE_ID.test(id);
}

/** Alert rules kept in the plugin's storage; versions come from the storage records (409 on a stale one). */
export class RuleStore {
  private readonly rules = new Map<string, RuleRecord>();
  private counter = 0;

  constructor(private readonly storage: PluginStorage) {}

  /** Loads the stored rules. */
  async load(): Promise<RuleRecord[]> {
    for (const r of await listAll<AlertRuleSpec>(this.storage, RULES_COLLECTION)) this.rules.set(r.id, r);
    return this.list();
  }

  /** Every rule, by id. */
  list(): RuleRecord[] {
    return [...this.rules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** One rule. */
  get(id: string): RuleRecord | undefined {
    return this.rules.get(id);
  }

  /** A fresh rule id (time-ordered). */
  newId(now: number): string {
    return `rule-${now.toString(36)}${(this.counter++).toString(36)}`;
  }

  /** Writes a rule; `expectedVersion` 0 means "must not exist yet". Storage errors (conflict) propagate. */
  async put(id: string, spec: AlertRuleSpec, expectedVersion?: number): Promise<RuleRecord> {
    const rec = (await this.storage.set(
      RULES_COLLECTION,
      id,
      spec,
      expectedVersion === undefined ? undefined : { expectedVersion },
    )) as RuleRecord;
    this.rules.set(id, rec);
    return rec;
  }

  /** Deletes a rule; false when there was none. */
  async delete(id: string, expectedVersion?: number): Promise<boolean> {
    const gone = await this.storage.delete(
      RULES_COLLECTION,
      id,
      expectedVersion === undefined ? undefined : { expectedVersion },
    );
    this.rules.delete(id);
    return gone;
  }
}
