import { useEffect, useState } from 'preact/hooks';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ErrorNotice } from '../../components/status-views.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import type { Plan } from './plugin-model.js';

/** An install, upgrade or rollback request to the marketplace admin API. */
export type ChangeRequest =
  | { op: 'install'; name: string; range?: string }
  | { op: 'upgrade'; name?: string }
  | { op: 'rollback'; name: string };

/** One titled list of a plan step's diff (permissions or panels), each entry as code; nothing when empty. */
function CodeList({
  title,
  diff,
  items,
}: {
  title: string;
  diff: string;
  items: readonly string[] | undefined;
}) {
  if (!items || items.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul class="perm-list" data-diff={diff}>
        {items.map((p) => (
          <li key={p}>
            <code>{p}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * Shows what a change would do — versions and the permission diff (new, widened, removed
 * permissions, larger limits, a changed publisher key) — and carries it out only with the
 * consent digest of exactly that plan.
 */
export function PlanDialog({
  request,
  onClose,
  onDone,
}: {
  request: ChangeRequest;
  onClose: () => void;
  onDone: () => void;
}) {
  const { api } = useServices();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.send<Plan>('POST', '/marketplace/plan', request).then(setPlan, setError);
  }, [api, request]);
  const apply = async () => {
    if (!plan) return;
    setBusy(true);
    setError(undefined);
    try {
      const { op, ...rest } = request;
      await api.send('POST', `/marketplace/${op}`, { ...rest, consent: plan.consent });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const title = t(`plugins.plan.${request.op}`, {
    name: 'name' in request && request.name ? request.name : t('common.all'),
  });
  return (
    <ModalDialog title={title} onClose={onClose} wide>
      <div class="stack" data-testid="plan">
        {plan ? (
          plan.steps.length === 0 ? (
            <p class="muted">{t('plugins.nothingToDo')}</p>
          ) : (
            plan.steps.map((s) => (
              <section key={s.name} class="consent" aria-label={s.name}>
                <h3>
                  {s.name} {s.from ? `${s.from} → ` : ''}
                  {s.to}{' '}
                  <span class="muted">
                    {t('plugins.fromPublisher', { publisher: s.publisher, source: s.source })}
                  </span>
                </h3>
                <CodeList
                  title={s.from ? t('plugins.newPermissions') : t('plugins.permissionsAsked')}
                  diff="added"
                  items={s.diff.added}
                />
                {s.diff.widened.length > 0 ? (
                  <>
                    <h4>{t('plugins.widened')}</h4>
                    <ul class="perm-list" data-diff="widened">
                      {s.diff.widened.map((w) => (
                        <li key={w.to}>
                          <code>{w.from}</code> → <code>{w.to}</code>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
                <CodeList title={t('plugins.removedPermissions')} diff="removed" items={s.diff.removed} />
                <CodeList title={t('plugins.panelsAsked')} diff="panels-added" items={s.diff.panels?.added} />
                <CodeList
                  title={t('plugins.panelsRemoved')}
                  diff="panels-removed"
                  items={s.diff.panels?.removed}
                />
                {s.diff.limits.map((l) => (
                  <p key={l.limit}>
                    {t('plugins.largerLimit', { limit: l.limit, from: l.from ?? '—', to: l.to })}
                  </p>
                ))}
                {s.diff.publisher ? (
                  <p class="notice notice-error">
                    {t('plugins.keyChanged', {
                      from: s.diff.publisher.from?.kid ?? '?',
                      to: s.diff.publisher.to.kid,
                    })}
                  </p>
                ) : null}
                {!s.diff.escalating ? <p class="muted">{t('plugins.noEscalation')}</p> : null}
              </section>
            ))
          )
        ) : error === undefined ? (
          <p class="muted" aria-busy="true">
            {t('common.loading')}
          </p>
        ) : null}
        {error !== undefined ? <ErrorNotice error={error} /> : null}
        <div class="row-end">
          <button type="button" class="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            class="btn btn-primary"
            disabled={!plan || plan.steps.length === 0 || busy}
            onClick={apply}
            data-action="consent"
          >
            {plan?.escalating ? t('plugins.consentAndApply') : t('plugins.apply')}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
