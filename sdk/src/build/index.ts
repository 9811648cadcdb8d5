export { type BuiltPlugin, buildPlugin, PLUGIN_BUNDLE, PLUGIN_ENTRY } from './build-plugin.js';
export { formatManifest } from './format-manifest.js';
export { setManifestFields } from './set-manifest-fields.js';
export { writeFileAtomic } from './write-file-atomic.js';
