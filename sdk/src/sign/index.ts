export { generatePublisherKey, type PublisherKeyFiles } from './generate-publisher-key.js';
export { type PluginFiles, readPluginFiles } from './read-plugin-files.js';
export { SIGNATURE_FILE, type SignatureFile, signPlugin } from './sign-plugin.js';
