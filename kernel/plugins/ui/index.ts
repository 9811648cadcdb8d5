export { loadPluginUi } from './load-plugin-ui.js';
export {
  type HostedPanel,
  hostedPanels,
  type PanelSource,
  panelActionTopic,
  panelRoutes,
} from './panel-routes.js';
export type { PluginUi, UiAsset } from './plugin-ui.js';
export { uiContentType } from './ui-content-type.js';
