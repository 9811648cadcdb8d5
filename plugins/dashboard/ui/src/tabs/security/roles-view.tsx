import { useState } from 'preact/hooks';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView, ErrorNotice } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';

interface Role {
  name: string;
  description: string;
  permissions: string[];
  denied: string[];
  builtIn: boolean;
}

const list = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Roles: built-in and custom, their permissions and explicit denials; create a custom role. */
export function RolesView() {
  const { api, auth } = useServices();
  const s = useAsync(
    (signal) => api.get<{ items: Role[] }>('/security/roles', signal).then((r) => r.items),
    [],
  );
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    try {
      await api.send('POST', '/security/roles', {
        name: String(f.get('name') ?? ''),
        description: String(f.get('description') ?? ''),
        permissions: list(String(f.get('permissions') ?? '')),
        denied: list(String(f.get('denied') ?? '')),
      });
      setCreating(false);
      s.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="stack">
      {auth.can('security:admin') ? (
        <p>
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            {t('sec.newRole')}
          </button>
        </p>
      ) : null}
      <AsyncView state={s} plugin="security">
        {(roles) => (
          <ScrollRegion label={t('sec.roles')}>
            <table class="table" data-testid="roles">
              <thead>
                <tr>
                  <th scope="col">{t('sec.role')}</th>
                  <th scope="col">{t('sec.permissions')}</th>
                  <th scope="col">{t('sec.denied')}</th>
                </tr>
              </thead>
              <tbody>
                {roles.map((r) => (
                  <tr key={r.name}>
                    <td>
                      <strong>{r.name}</strong>{' '}
                      {r.builtIn ? <span class="badge">{t('sec.builtIn')}</span> : null}
                      <div class="muted">{r.description}</div>
                    </td>
                    <td>
                      <code>{r.permissions.join(' ')}</code>
                    </td>
                    <td>
                      <code>{r.denied.join(' ') || '–'}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </AsyncView>
      {creating ? (
        <ModalDialog title={t('sec.newRole')} onClose={() => setCreating(false)}>
          <form class="stack" onSubmit={submit}>
            <label class="field">
              <span>{t('sec.role')}</span>
              <input name="name" required pattern="[a-z][a-z0-9\-]{1,39}" />
            </label>
            <label class="field">
              <span>{t('sec.description')}</span>
              <input name="description" maxLength={200} />
            </label>
            <label class="field">
              <span>{t('sec.permissions')}</span>
              <input name="permissions" required placeholder="nodes:read, sessions:*" />
            </label>
            <label class="field">
              <span>{t('sec.denied')}</span>
              <input name="denied" placeholder="security:*" />
            </label>
            {error !== undefined ? <ErrorNotice error={error} /> : null}
            <div class="row-end">
              <button type="button" class="btn" onClick={() => setCreating(false)}>
                {t('common.cancel')}
              </button>
              <button type="submit" class="btn btn-primary">
                {t('common.create')}
              </button>
            </div>
          </form>
        </ModalDialog>
      ) : null}
    </div>
  );
}
