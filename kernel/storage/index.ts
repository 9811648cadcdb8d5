export {
  acquireDataDirLock,
  type DataDirLock,
  holderAlive,
  LOCK_FILE,
  type LockHolder,
  processStartTicks,
} from './data-dir-lock.js';
export type {
  ListOptions,
  ListPage,
  NamespaceView,
  StorageDriver,
  StoredRecord,
  TransactionOp,
  TransactionResult,
  WriteOptions,
} from './driver.js';
export { MAX_TRANSACTION_OPS } from './driver.js';
export { removeStaleTempFiles, syncDir, writeFileDurable } from './durable-file.js';
export { type EphemeralOptions, EphemeralStore } from './ephemeral-store.js';
export { EventLog, type EventLogOptions, type LoggedEvent, type RecoveredEvents } from './event-log.js';
export type { CompactionPolicy, CompactionStep, NamespaceStats } from './namespace-store.js';
export {
  type NamespaceOptions,
  openStorage,
  type Storage,
  type StorageOptions,
  type StorageStats,
} from './open-storage.js';
export { isDiskFull, writeFailed } from './storage-errors.js';
