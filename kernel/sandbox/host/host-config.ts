/** What the kernel sends in a LOAD frame. */
export interface HostLoadConfig {
  name: string;
  version: string;
  code: string;
  /** Isolate heap limit, MB. */
  memoryMb: number;
  /** applySync timeout for loading (compile, evaluate, install), ms. */
  loadTimeoutMs: number;
  /** Largest host-call argument string the prelude posts, characters. */
  maxCallChars: number;
  /** Largest result string the prelude posts, characters. */
  maxResultChars: number;
  /** Longest stay inside the isolate in one entry (a call, a continuation) before the host is killed, ms. */
  spinMs: number;
  /**
   * The ctx surface the prelude builds (@omega/protocol's CTX_SURFACE), sent by the kernel so the
   * host process does not load the protocol package (zod and every host call's schema: ~MBs).
   */
  surface: unknown;
}
