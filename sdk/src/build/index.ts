export { assertBuildCurrent } from './assert-build-current.js';
export { type BuildOptions, type BuiltPlugin, buildPlugin, isBuildCurrent } from './build-plugin.js';
export { type BuildFields, builtManifestText } from './built-manifest-text.js';
export { bundlePlugin, type PluginBuild } from './bundle-plugin.js';
export { formatManifest } from './format-manifest.js';
export { BUILT_MAIN, BUILT_MANIFEST, PLUGIN_BUNDLE, PLUGIN_ENTRY, SOURCE_MANIFEST } from './plugin-layout.js';
export { setManifestFields } from './set-manifest-fields.js';
export { type PluginTypeError, typeCheckPlugin } from './type-check-plugin.js';
export { writeFileAtomic } from './write-file-atomic.js';
