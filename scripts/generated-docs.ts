import { renderErrorsDoc } from '../kernel/errors/render-errors-doc.js';

/** Every generated file in the repository: path (from the repo root) → its generator. */
export const GENERATED_DOCS: Record<string, () => string> = {
  'docs/errors.md': renderErrorsDoc,
};
