export { type PackedPlugin, packPlugin } from './pack-plugin.js';
