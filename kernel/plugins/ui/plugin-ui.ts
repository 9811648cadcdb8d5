import type { PluginPanel } from '@omega/protocol';

/** One file of a plugin's UI, read and verified at load, served from memory. */
export interface UiAsset {
  body: Uint8Array;
  /** The Content-Type it is served with. */
  type: string;
  /** A strong ETag: the quoted base64url SHA-256 of `body`. */
  etag: string;
  /** Its name carries its content hash (under one of `ui.immutable`): cached for a year. */
  immutable: boolean;
}

/** A plugin's verified UI: what the kernel serves under `/ui/<plugin>/`. */
export interface PluginUi {
  plugin: string;
  /** Files under this folder (ending in "/") are panel files: served only on the plugin's panel origin. */
  panelRoot: string;
  panels: readonly PluginPanel[];
  /** The page for `/ui/<plugin>/`, a key of `files`. */
  entry: string;
  files: ReadonlyMap<string, UiAsset>;
  /** Every file's bytes together. */
  bytes: number;
}
