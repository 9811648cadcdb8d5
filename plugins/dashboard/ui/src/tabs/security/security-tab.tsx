import { SubTabs } from '../../components/sub-tabs.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { useParam } from '../../state/url-state.js';
import { AuditView } from './audit-view.js';
import { RolesView } from './roles-view.js';
import { TokensView } from './tokens-view.js';
import { UsersView } from './users-view.js';

type View = 'users' | 'roles' | 'tokens' | 'audit';

/** Security: users, roles, API tokens (yours, and everyone's for admins) and the audit trail. */
export function SecurityTab() {
  const { auth } = useServices();
  const [view] = useParam('view', auth.can('security:read') ? 'users' : 'tokens');
  const v = (['users', 'roles', 'tokens', 'audit'] as const).includes(view as View)
    ? (view as View)
    : 'users';
  return (
    <div class="stack">
      <SubTabs
        label={t('tab.security')}
        current={v}
        views={[
          { id: 'users', label: t('sec.users') },
          { id: 'roles', label: t('sec.roles') },
          { id: 'tokens', label: t('sec.tokens') },
          { id: 'audit', label: t('sec.audit') },
        ]}
      />
      {v === 'users' ? (
        <UsersView />
      ) : v === 'roles' ? (
        <RolesView />
      ) : v === 'tokens' ? (
        <TokensView />
      ) : (
        <AuditView />
      )}
    </div>
  );
}
