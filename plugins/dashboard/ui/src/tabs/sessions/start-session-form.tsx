import { useState } from 'preact/hooks';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ErrorNotice } from '../../components/status-views.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { parseSelector } from './parse-selector.js';

/** Start a session: command and arguments, resources, node selector. */
export function StartSessionForm({
  onClose,
  onStarted,
}: {
  onClose: () => void;
  onStarted: (id: string) => void;
}) {
  const { api } = useServices();
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const num = (k: string) => {
      const v = String(f.get(k) ?? '').trim();
      return v === '' ? undefined : Number(v);
    };
    const cpus = num('cpus');
    const memMiB = num('memory');
    const gpus = num('gpus');
    const body = {
      spec: {
        command: String(f.get('command') ?? ''),
        args: String(f.get('args') ?? '')
          .split(/\s+/)
          .filter(Boolean),
        resources: {
          ...(cpus === undefined ? {} : { cpuMillis: Math.round(cpus * 1000) }),
          ...(memMiB === undefined ? {} : { memoryBytes: Math.round(memMiB * 1024 * 1024) }),
          ...(gpus === undefined ? {} : { gpus }),
        },
        selector: parseSelector(String(f.get('selector') ?? '')),
      },
    };
    try {
      const created = await api.send<{ id: string }>('POST', '/sessions', body);
      onStarted(created.id);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <ModalDialog title={t('sessions.startTitle')} onClose={onClose} wide>
      <form class="stack" onSubmit={submit}>
        <label class="field">
          <span>{t('sessions.command')}</span>
          <input name="command" required maxLength={4096} />
        </label>
        <label class="field">
          <span>{t('sessions.args')}</span>
          <input name="args" />
        </label>
        <div class="row">
          <label class="field">
            <span>{t('sessions.cpus')}</span>
            <input name="cpus" type="number" min="0.1" step="0.1" />
          </label>
          <label class="field">
            <span>{t('sessions.memoryMiB')}</span>
            <input name="memory" type="number" min="1" step="1" />
          </label>
          <label class="field">
            <span>{t('sessions.gpus')}</span>
            <input name="gpus" type="number" min="0" step="1" />
          </label>
        </div>
        <label class="field">
          <span>{t('sessions.selector')}</span>
          <input name="selector" placeholder="zone=a, gpu=true" />
        </label>
        {error !== undefined ? <ErrorNotice error={error} /> : null}
        <div class="row-end">
          <button type="button" class="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary">
            {t('sessions.start')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
