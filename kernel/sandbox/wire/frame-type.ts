/**
 * Frame types on the kernel ↔ plugin-host channel. Host → kernel frames are untrusted:
 * the kernel checks sizes before decoding and shapes after.
 *
 * Every host → kernel frame carries in `aux` how many entry frames (CALL, REPLY: the only
 * frames that run plugin code) the host has finished, mod 2^32; the last frame of each write
 * has the count as of that write. The kernel's spin watch reads it (kernel/sandbox/spin-watch.ts).
 */
export const FrameType = {
  // host → kernel
  /** The host process is up and waiting for LOAD. body: `{pid}`. */
  READY: 1,
  /** The bundle is compiled and evaluated. body: `{routes, services, hooks}` (names only). */
  LOADED: 2,
  /** The bundle was refused or threw. body: `{code, message}`. */
  LOAD_FAILED: 3,
  /** A call into the plugin resolved. id: call id; body: result JSON (empty = undefined). */
  RESULT_OK: 4,
  /** A call into the plugin failed. id: call id; body: `{code, message}`. */
  RESULT_ERR: 5,
  /** The plugin calls the host. id: host-call id; meta: call name; body: arguments JSON. */
  HOST_CALL: 6,
  /** The host gives up (memory, timeout, catastrophic error) and exits. body: `{reason}`. */
  FAULT: 7,
  /** Answer to STATS_REQ. id: request id; body: `{heapUsedBytes, heapTotalBytes, externalBytes, rssBytes}`. */
  STATS: 8,
  /** Entries finished (aux), when nothing else goes out at the end of a turn or a long turn reports early. */
  PROGRESS: 9,
  // kernel → host
  /** Load the plugin. body: `{name, version, code, limits}`. */
  LOAD: 16,
  /**
   * Call into the plugin. id: call id; aux: timeout ms; meta: `<kind>:<name>`; body: payload JSON.
   * A route call's kind may carry its caller's slot (to a host whose LOADED said `callerSlots`):
   * `route+N` keeps the body's caller as slot N, `route=N` means the body's caller is slot N's.
   */
  CALL: 17,
  /** Answer a HOST_CALL. id: host-call id; aux: 1 ok / 0 error; body: result JSON or `{code, message}`. */
  REPLY: 18,
  /** Dispose the isolate and exit. */
  STOP: 19,
  /** Ask for isolate heap and process RSS figures. id: request id. */
  STATS_REQ: 20,
} as const;

/** A frame type number. */
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

/** Bytes before meta: u32 length, u8 type, u32 id, u32 aux, u16 meta length. */
export const FRAME_HEADER_BYTES = 15;

/** One decoded frame; `body` stays bytes so its size is checked before it is decoded. */
export interface Frame {
  type: number;
  id: number;
  aux: number;
  meta: string;
  body: Buffer;
}
