import { useState } from 'preact/hooks';
import { KIOSK_SCOPES } from '../../auth/auth-session.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView, ErrorNotice } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';

interface TokenInfo {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  revoked: boolean;
}

/** API tokens: yours (create — e.g. a read-only kiosk token for a wall display — and revoke), and everyone's for security readers. */
export function TokensView() {
  const { api, auth } = useServices();
  const mine = useAsync(
    (signal) => api.get<{ items: TokenInfo[] }>('/security/me/tokens', signal).then((r) => r.items),
    [],
  );
  const all = useAsync(
    (signal) =>
      auth.can('security:read')
        ? api.get<{ items: TokenInfo[] }>('/security/tokens', signal).then((r) => r.items)
        : Promise.resolve(null),
    [],
  );
  const [creating, setCreating] = useState<'custom' | 'kiosk' | null>(null);
  const [shown, setShown] = useState<{ token: string; kiosk: boolean } | null>(null);
  const [revoking, setRevoking] = useState<{ t: TokenInfo; mine: boolean } | null>(null);
  const reload = () => {
    mine.reload();
    all.reload();
  };
  const table = (items: TokenInfo[], own: boolean) => (
    <ScrollRegion label={own ? t('sec.myTokens') : t('sec.allTokens')}>
      <table class="table" data-testid={own ? 'my-tokens' : 'all-tokens'}>
        <thead>
          <tr>
            <th scope="col">{t('sec.tokenName')}</th>
            <th scope="col">{t('sec.scopes')}</th>
            <th scope="col">{t('sec.expires')}</th>
            <th scope="col">{t('sec.status')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((x) => (
            <tr key={x.id}>
              <td>{x.name}</td>
              <td>
                <code>{x.scopes.join(' ')}</code>
              </td>
              <td>{formatTime(x.expiresAt)}</td>
              <td>{x.revoked ? t('sec.revoked') : t('sec.active')}</td>
              <td>
                {!x.revoked && (own || auth.can('security:admin')) ? (
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    onClick={() => setRevoking({ t: x, mine: own })}
                  >
                    {t('sec.revoke')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
  return (
    <div class="stack">
      <div class="row">
        <button type="button" class="btn btn-primary" onClick={() => setCreating('custom')}>
          {t('sec.newToken')}
        </button>
        <button type="button" class="btn" onClick={() => setCreating('kiosk')}>
          {t('sec.newKiosk')}
        </button>
      </div>
      <h2>{t('sec.myTokens')}</h2>
      <AsyncView state={mine} plugin="security">
        {(items) => (items.length === 0 ? <p class="muted">{t('common.none')}</p> : table(items, true))}
      </AsyncView>
      {all.data ? (
        <>
          <h2>{t('sec.allTokens')}</h2>
          {table(all.data, false)}
        </>
      ) : null}
      {creating ? (
        <NewToken
          kiosk={creating === 'kiosk'}
          onClose={() => setCreating(null)}
          onCreated={(token) => {
            setShown({ token, kiosk: creating === 'kiosk' });
            setCreating(null);
            reload();
          }}
        />
      ) : null}
      {shown ? <ShowOnce token={shown.token} kiosk={shown.kiosk} onClose={() => setShown(null)} /> : null}
      {revoking ? (
        <ConfirmDialog
          title={t('sec.revokeTitle', { name: revoking.t.name })}
          confirmLabel={t('sec.revoke')}
          danger
          onConfirm={() =>
            api
              .send(
                'DELETE',
                revoking.mine ? `/security/me/tokens/${revoking.t.id}` : `/security/tokens/${revoking.t.id}`,
              )
              .then(reload)
          }
          onClose={() => setRevoking(null)}
        />
      ) : null}
    </div>
  );
}

function NewToken({
  kiosk,
  onClose,
  onCreated,
}: {
  kiosk: boolean;
  onClose: () => void;
  onCreated: (token: string) => void;
}) {
  const { api } = useServices();
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    try {
      const r = await api.send<{ token: string }>('POST', '/security/me/tokens', {
        name: String(f.get('name') ?? ''),
        scopes: String(f.get('scopes') ?? '')
          .split(/[\s,]+/)
          .filter(Boolean),
        expiresInDays: Number(f.get('days') ?? 30),
      });
      onCreated(r.token);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <ModalDialog title={kiosk ? t('sec.newKiosk') : t('sec.newToken')} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        {kiosk ? <p class="muted">{t('sec.kioskHelp')}</p> : null}
        <label class="field">
          <span>{t('sec.tokenName')}</span>
          <input name="name" required maxLength={100} defaultValue={kiosk ? 'wall display' : ''} />
        </label>
        <label class="field">
          <span>{t('sec.scopes')}</span>
          <input name="scopes" required defaultValue={kiosk ? KIOSK_SCOPES.join(' ') : ''} readOnly={kiosk} />
        </label>
        <label class="field">
          <span>{t('sec.days')}</span>
          <input name="days" type="number" min="1" max="366" defaultValue={kiosk ? '366' : '30'} />
        </label>
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

function ShowOnce({ token, kiosk, onClose }: { token: string; kiosk: boolean; onClose: () => void }) {
  const link = `${location.origin}${location.pathname}#kiosk=${encodeURIComponent(token)}`;
  return (
    <ModalDialog title={t('sec.tokenCreated')} onClose={onClose} wide>
      <div class="stack">
        <p>{t('sec.shownOnce')}</p>
        <label class="field">
          <span>{t('sec.token')}</span>
          <input readOnly value={token} data-testid="new-token" onFocus={(e) => e.currentTarget.select()} />
        </label>
        {kiosk ? (
          <label class="field">
            <span>{t('sec.kioskLink')}</span>
            <input readOnly value={link} data-testid="kiosk-link" onFocus={(e) => e.currentTarget.select()} />
          </label>
        ) : null}
        <div class="row-end">
          <button type="button" class="btn btn-primary" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
