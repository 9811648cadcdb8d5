/**
 * Keys and names with a join in progress: a join awaits storage, so two joins of one new key
 * (or two keys asking for one name) could otherwise both pass the checks before either is
 * recorded.
 */
export class JoinGuard {
  private readonly held = new Set<string>();

  /** Claims `fingerprint` and `name`; false when either is already claimed. */
  claim(fingerprint: string, name: string): boolean {
    const k = `k:${fingerprint}`;
    const n = `n:${name}`;
    if (this.held.has(k) || this.held.has(n)) return false;
    this.held.add(k);
    this.held.add(n);
    return true;
  }

  /** Releases what {@link claim} took. */
  release(fingerprint: string, name: string): void {
    this.held.delete(`k:${fingerprint}`);
    this.held.delete(`n:${name}`);
  }
}
