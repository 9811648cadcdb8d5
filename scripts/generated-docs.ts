import { renderErrorsDoc } from '../kernel/errors/render-errors-doc.js';
import { renderPluginGuide } from '../sdk/src/docs/render-plugin-guide.js';
import { renderEventsDoc } from './events-doc/render-events-doc.js';

/** Every generated file in the repository: path (from the repo root) → its generator. */
export const GENERATED_DOCS: Record<string, () => string> = {
  'docs/errors.md': renderErrorsDoc,
  'docs/plugin-guide.md': renderPluginGuide,
  'docs/events.md': renderEventsDoc,
};
