import { t } from '../../i18n/t.js';
import { PanelFrame } from './panel-frame.js';
import type { PanelSpec } from './panel-spec.js';

/**
 * A `tab`-slot panel as a top-level tab's view: framed only while its tab is open (the shell
 * renders the current tab alone), with an empty context. `spec` undefined: the panel is not
 * listed (revoked, its plugin stopped, or not yet read) and the view says so.
 */
export function PanelTab({ spec, loaded }: { spec: PanelSpec | undefined; loaded: boolean }) {
  if (!spec)
    return loaded ? (
      <p class="notice" data-panel-tab-missing>
        {t('panels.tabGone')}
      </p>
    ) : (
      <p class="muted" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  return (
    <div class="panel-slot stack" data-panel-slot="tab">
      <PanelFrame key={`${spec.plugin}/${spec.id}`} spec={spec} context={{}} />
    </div>
  );
}
