export type {
  ListOptions,
  ListPage,
  NamespaceView,
  StorageDriver,
  StoredRecord,
  WriteOptions,
} from './driver.js';
export { removeStaleTempFiles, syncDir, writeFileDurable } from './durable-file.js';
export { type EphemeralOptions, EphemeralStore } from './ephemeral-store.js';
export {
  type NamespaceOptions,
  openStorage,
  type Storage,
  type StorageOptions,
  type StorageStats,
} from './open-storage.js';
