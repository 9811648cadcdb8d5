import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView, ErrorNotice } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';

interface User {
  id: string;
  username: string;
  roles: string[];
  disabled: boolean;
  createdAt: string;
}

/** Users: list, create, disable/enable, delete (admins only; the kernel checks). */
export function UsersView() {
  const { api, auth } = useServices();
  const s = useAsync(
    (signal) => api.get<{ items: User[] }>('/security/users', signal).then((r) => r.items),
    [],
  );
  const roles = useAsync(
    (signal) =>
      api
        .get<{ items: Array<{ name: string }> }>('/security/roles', signal)
        .then((r) => r.items.map((x) => x.name)),
    [],
  );
  useLive(['security.user.*'], () => s.reload());
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<User | null>(null);
  const admin = auth.can('security:admin');
  return (
    <div class="stack">
      {admin ? (
        <p>
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            {t('sec.newUser')}
          </button>
        </p>
      ) : null}
      <AsyncView state={s} plugin="security">
        {(users) => (
          <ScrollRegion label={t('sec.users')}>
            <table class="table" data-testid="users">
              <thead>
                <tr>
                  <th scope="col">{t('sec.username')}</th>
                  <th scope="col">{t('sec.roles')}</th>
                  <th scope="col">{t('sec.status')}</th>
                  <th scope="col">{t('sec.created')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id} data-user={u.username}>
                    <td>{u.username}</td>
                    <td>{u.roles.join(', ')}</td>
                    <td>{u.disabled ? t('sec.disabled') : t('sec.active')}</td>
                    <td>{formatTime(u.createdAt)}</td>
                    <td>
                      <div class="row">
                        {admin ? (
                          <>
                            <button
                              type="button"
                              class="btn btn-small"
                              onClick={() =>
                                api
                                  .send('PATCH', `/security/users/${u.id}`, { disabled: !u.disabled })
                                  .then(s.reload, s.reload)
                              }
                            >
                              {u.disabled ? t('sec.enable') : t('sec.disable')}
                            </button>
                            <button
                              type="button"
                              class="btn btn-small btn-danger"
                              onClick={() => setDeleting(u)}
                              aria-label={t('sec.deleteUser', { name: u.username })}
                            >
                              {t('common.delete')}
                            </button>
                          </>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </AsyncView>
      {creating ? (
        <NewUser
          roles={roles.data ?? ['viewer']}
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            s.reload();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={t('sec.deleteUser', { name: deleting.username })}
          confirmLabel={t('common.delete')}
          danger
          onConfirm={() => api.send('DELETE', `/security/users/${deleting.id}`).then(s.reload)}
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </div>
  );
}

function NewUser({ roles, onClose, onDone }: { roles: string[]; onClose: () => void; onDone: () => void }) {
  const { api } = useServices();
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    try {
      await api.send('POST', '/security/users', {
        username: String(f.get('username') ?? ''),
        password: String(f.get('password') ?? ''),
        roles: f.getAll('roles').map(String),
      });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <ModalDialog title={t('sec.newUser')} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <label class="field">
          <span>{t('sec.username')}</span>
          <input name="username" required autoComplete="off" />
        </label>
        <div class="field">
          <label for="new-user-password">{t('signin.password')}</label>
          <input
            id="new-user-password"
            name="password"
            type="password"
            required
            autoComplete="new-password"
            aria-describedby="new-user-password-help"
          />
          <small id="new-user-password-help" class="muted">
            {t('signin.passwordHelp')}
          </small>
        </div>
        <fieldset class="field">
          <legend>{t('sec.roles')}</legend>
          {roles.map((r) => (
            <label key={r} class="check">
              <input type="checkbox" name="roles" value={r} defaultChecked={r === 'viewer'} /> {r}
            </label>
          ))}
        </fieldset>
        {error !== undefined ? <ErrorNotice error={error} /> : null}
        <div class="row-end">
          <button type="button" class="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary">
            {t('common.create')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
