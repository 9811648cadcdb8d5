import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/t.js';
import { ModalDialog } from './modal-dialog.js';
import { ErrorNotice } from './status-views.js';

/** Options of {@link ConfirmDialog}. */
export interface ConfirmProps {
  title: string;
  /** What will happen, in words. */
  children?: ComponentChildren;
  confirmLabel: string;
  /** Ask for a reason (required, recorded with the action). */
  reason?: boolean;
  danger?: boolean;
  /** False while the fields in `children` are incomplete: the confirm button waits (default true). */
  ready?: boolean;
  onConfirm: (reason: string) => Promise<unknown>;
  onClose: () => void;
}

/** Asks before an action (with a required reason when asked), runs it, and shows its error if any. */
export function ConfirmDialog(p: ConfirmProps) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    if ((p.reason && !reason.trim()) || p.ready === false) return;
    setBusy(true);
    setError(undefined);
    try {
      await p.onConfirm(reason.trim());
      p.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <ModalDialog title={p.title} onClose={p.onClose}>
      <form onSubmit={submit} class="stack">
        {p.children}
        {p.reason ? (
          <label class="field">
            <span>{t('common.reason')}</span>
            <input
              name="reason"
              required
              maxLength={500}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
              placeholder={t('common.reasonPlaceholder')}
            />
          </label>
        ) : null}
        {error !== undefined ? <ErrorNotice error={error} /> : null}
        <div class="row-end">
          <button type="button" class="btn" onClick={p.onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            class={p.danger ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={busy || (p.reason && !reason.trim()) || p.ready === false}
          >
            {p.confirmLabel}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
