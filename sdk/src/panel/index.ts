/*
 * @omega/sdk/panel: the browser side of a plugin's dashboard panel (issue #19). A few lines of
 * plain JavaScript over the panel's one MessagePort; no DOM types, no dependencies.
 */
export {
  connectPanel,
  type PanelActionArgs,
  type PanelClient,
  type PanelEventMessage,
  type PanelPort,
  type PanelWindow,
} from './connect-panel.js';
export * from './panel-wire.js';
export { resolveRead } from './resolve-read.js';
