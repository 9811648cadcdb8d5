import './start-form.css';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/api-error.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { ErrorNotice } from '../../components/status-views.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import {
  buildSpec,
  EMPTY_START_FORM,
  problemFieldErrors,
  type StartFormValues,
} from './session-form-model.js';

/** `POST /sessions/plan`: where each copy would start, or why it would wait. */
interface Plan {
  placed: number;
  waiting: number;
  queuedAhead?: number;
  items: Array<{ copy: number; placed: boolean; nodeName?: string; reason: string }>;
}

/** One copy's result in a bulk start. */
interface Started {
  copy: number;
  id?: string;
  state?: string;
  reason?: string;
  error?: string;
}

/** Most copies of one bulk start (the plan route's limit). */
const MAX_COPIES = 1000;

/** A labelled input with its server-side error beside it (aria-invalid + aria-describedby). */
function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field" data-field={props.id}>
      <label for={`sf-${props.id}`}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <small class="muted" id={`sf-${props.id}-hint`}>
          {props.hint}
        </small>
      ) : null}
      {props.error ? (
        <small class="field-error" id={`sf-${props.id}-error`} role="alert">
          {props.error}
        </small>
      ) : null}
    </div>
  );
}

/**
 * Start a session: command + arguments or a script, cores (pinned) or millicores (a share),
 * memory, GPUs, node selector, priority, time limit, name — posted to the sessions API, whose
 * problem+json field errors show beside their fields. Bulk mode starts N copies, after a dry
 * run (`POST /sessions/plan`) that shows where each would start or why it would wait.
 */
export function StartSessionForm({
  onClose,
  onStarted,
}: {
  onClose: () => void;
  onStarted: (id: string) => void;
}) {
  const { api } = useServices();
  const [v, setV] = useState<StartFormValues>(EMPTY_START_FORM);
  const [bulk, setBulk] = useState(false);
  const [count, setCount] = useState('2');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(undefined);
  const [plan, setPlan] = useState<Plan | undefined>(undefined);
  const [results, setResults] = useState<Started[] | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof StartFormValues) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    setV((old) => ({ ...old, [k]: value }));
    setPlan(undefined);
  };
  const input = (k: keyof StartFormValues, extra: Record<string, unknown> = {}) => ({
    id: `sf-${k}`,
    name: k,
    value: v[k],
    onInput: set(k),
    'aria-invalid': errors[k] ? true : undefined,
    'aria-describedby': errors[k] ? `sf-${k}-error` : undefined,
    ...extra,
  });
  const fail = (err: unknown) => {
    const fields = err instanceof ApiError ? problemFieldErrors(err.problem) : {};
    setErrors(fields);
    setFailure(Object.keys(fields).length > 0 && !fields.form ? undefined : err);
  };
  const copies = (): number | undefined => {
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > MAX_COPIES) {
      setErrors({ count: t('start.countRange', { max: MAX_COPIES }) });
      return undefined;
    }
    return n;
  };
  const local = (): Record<string, unknown> | undefined => {
    const { spec, errors: e } = buildSpec(v);
    if (Object.keys(e).length > 0) {
      setErrors(e);
      return undefined;
    }
    return spec;
  };

  const preview = async () => {
    const spec = local();
    const n = copies();
    if (!spec || n === undefined) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const p = await api.send<Plan>('POST', '/sessions/plan', { spec, count: n });
      setErrors({});
      setPlan(p);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    if (!bulk) {
      const spec = local();
      if (!spec) return;
      setBusy(true);
      try {
        const created = await api.send<{ id: string }>('POST', '/sessions', spec);
        onStarted(created.id);
      } catch (err) {
        fail(err);
      } finally {
        setBusy(false);
      }
      return;
    }
    const n = copies();
    if (n === undefined || local() === undefined) return;
    setBusy(true);
    const out: Started[] = [];
    for (let i = 1; i <= n; i++) {
      try {
        const s = await api.send<{ id: string; status?: { state?: string; reason?: string } }>(
          'POST',
          '/sessions',
          buildSpec(v, i).spec,
        );
        out.push({
          copy: i,
          id: s.id,
          ...(s.status?.state ? { state: s.status.state } : {}),
          ...(s.status?.reason ? { reason: s.status.reason } : {}),
        });
      } catch (err) {
        out.push({ copy: i, error: err instanceof Error ? err.message : String(err) });
        // A spec the server refuses is refused for every copy: stop at the first, show its fields.
        if (err instanceof ApiError && err.status === 400) {
          fail(err);
          break;
        }
      }
      setResults([...out]);
    }
    setResults(out);
    setBusy(false);
  };

  return (
    <ModalDialog title={t('sessions.startTitle')} onClose={onClose} wide>
      <form class="stack start-form" onSubmit={submit} noValidate data-testid="start-form">
        <Field id="name" label={t('start.name')} error={errors.name}>
          <input {...input('name', { maxLength: 64, autoComplete: 'off' })} />
        </Field>
        <fieldset class="segmented">
          <legend>{t('start.program')}</legend>
          {(['command', 'script'] as const).map((m) => (
            <label key={m} class="check">
              <input
                type="radio"
                name="mode"
                value={m}
                checked={v.mode === m}
                onChange={() => setV((old) => ({ ...old, mode: m }))}
              />
              {m === 'command' ? t('start.modeCommand') : t('start.modeScript')}
            </label>
          ))}
        </fieldset>
        {v.mode === 'command' ? (
          <>
            <Field id="command" label={t('sessions.command')} error={errors.command}>
              <input {...input('command', { maxLength: 4096, autoComplete: 'off' })} />
            </Field>
            <Field id="args" label={t('start.args')} error={errors.args} hint={t('start.argsHint')}>
              <input {...input('args', { autoComplete: 'off' })} />
            </Field>
          </>
        ) : (
          <Field id="script" label={t('start.script')} error={errors.script ?? errors.command}>
            <textarea {...input('script', { rows: 5 })} />
          </Field>
        )}
        <div class="row form-row">
          <Field id="cpu" label={t('start.cpu')} error={errors.cpu}>
            <span class="row">
              <select
                aria-label={t('start.cpuKind')}
                value={v.cpuKind}
                onChange={(e) =>
                  setV((old) => ({ ...old, cpuKind: e.currentTarget.value as StartFormValues['cpuKind'] }))
                }
              >
                <option value="millicores">{t('start.millicores')}</option>
                <option value="cores">{t('start.cores')}</option>
              </select>
              <input {...input('cpu', { inputMode: 'numeric', size: 8 })} />
            </span>
          </Field>
          <Field id="memory" label={t('start.memory')} error={errors.memory} hint={t('start.memoryHint')}>
            <input {...input('memory', { size: 8, autoComplete: 'off' })} />
          </Field>
          <Field id="gpus" label={t('sessions.gpus')} error={errors.gpus}>
            <input {...input('gpus', { inputMode: 'numeric', size: 4 })} />
          </Field>
        </div>
        <Field
          id="nodeSelector"
          label={t('start.selector')}
          error={errors.nodeSelector}
          hint={t('start.selectorHint')}
        >
          <input {...input('nodeSelector', { autoComplete: 'off' })} />
        </Field>
        <div class="row form-row">
          <Field id="priority" label={t('start.priority')} error={errors.priority}>
            <input {...input('priority', { inputMode: 'numeric', size: 6 })} />
          </Field>
          <Field
            id="timeLimit"
            label={t('start.timeLimit')}
            error={errors.timeLimit}
            hint={t('start.timeLimitHint')}
          >
            <input {...input('timeLimit', { size: 8, autoComplete: 'off' })} />
          </Field>
        </div>
        <div class="row form-row">
          <label class="check">
            <input
              type="checkbox"
              checked={bulk}
              onChange={(e) => {
                setBulk(e.currentTarget.checked);
                setPlan(undefined);
                setResults(undefined);
              }}
            />
            {t('start.bulk')}
          </label>
          {bulk ? (
            <Field id="count" label={t('start.count')} error={errors.count}>
              <input
                id="sf-count"
                name="count"
                inputMode="numeric"
                size={5}
                value={count}
                aria-invalid={errors.count ? true : undefined}
                aria-describedby={errors.count ? 'sf-count-error' : undefined}
                onInput={(e) => {
                  setCount(e.currentTarget.value);
                  setPlan(undefined);
                }}
              />
            </Field>
          ) : null}
          {bulk ? (
            <button type="button" class="btn" onClick={preview} disabled={busy} data-action="preview">
              {t('start.preview')}
            </button>
          ) : null}
        </div>
        {plan ? <PlanTable plan={plan} /> : null}
        {results ? <ResultList results={results} /> : null}
        {failure !== undefined ? <ErrorNotice error={failure} /> : null}
        {errors.form ? (
          <p class="field-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div class="row-end">
          <button type="button" class="btn" onClick={onClose}>
            {results ? t('start.done') : t('common.cancel')}
          </button>
          <button
            type="submit"
            class="btn btn-primary"
            disabled={busy || results !== undefined}
            data-action="start"
          >
            {bulk ? t('start.startN', { n: count }) : t('sessions.start')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/** The dry run: per copy, the node it would start on or why it would wait. */
function PlanTable({ plan }: { plan: Plan }) {
  return (
    <section aria-labelledby="sf-plan" data-testid="start-plan">
      <h3 id="sf-plan">{t('start.planTitle', { placed: plan.placed, waiting: plan.waiting })}</h3>
      {plan.queuedAhead ? <p class="muted">{t('start.queuedAhead', { n: plan.queuedAhead })}</p> : null}
      <ScrollRegion label={t('start.planTitle', { placed: plan.placed, waiting: plan.waiting })}>
        <table class="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('start.copy')}</th>
              <th scope="col">{t('start.outcome')}</th>
              <th scope="col">{t('sessions.node')}</th>
              <th scope="col">{t('sessions.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {plan.items.map((i) => (
              <tr key={i.copy} data-copy={i.copy} data-placed={String(i.placed)}>
                <th scope="row">{i.copy}</th>
                <td>
                  <span class={i.placed ? 'state state-running' : 'state state-pending'}>
                    {i.placed ? t('start.wouldStart') : t('start.wouldWait')}
                  </span>
                </td>
                <td>{i.nodeName ?? '–'}</td>
                <td>{i.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}

/** Per-copy results of a bulk start. */
function ResultList({ results }: { results: Started[] }) {
  return (
    <section aria-labelledby="sf-results" data-testid="start-results">
      <h3 id="sf-results">
        {t('start.results', { n: results.filter((r) => r.id).length, total: results.length })}
      </h3>
      <ul class="plain">
        {results.map((r) => (
          <li key={r.copy} data-copy={r.copy} data-ok={String(r.id !== undefined)}>
            {r.copy}:{' '}
            {r.id ? (
              <>
                <code>{r.id}</code> <span class={`state state-${r.state ?? 'pending'}`}>{r.state}</span>{' '}
                {r.reason}
              </>
            ) : (
              <span class="sev sev-critical">{r.error}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
