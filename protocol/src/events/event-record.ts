/**
 * One event, everywhere: on the kernel's bus, in a plugin's subscription handler, in a batch
 * delivered to a plugin, on the WebSocket stream. `seq` increases monotonically and is never
 * reused; `time` is the publish time (epoch ms).
 */
export interface EventRecord<T = unknown> {
  readonly seq: number;
  readonly topic: string;
  readonly time: number;
  readonly data: T;
}
