import type { ComponentChildren } from 'preact';
import { ApiError, isNotFound } from '../api/api-error.js';
import { t } from '../i18n/t.js';

/** "The nodes plugin is not installed": said honestly when a plugin's API answers 404. */
export function NotInstalled({ plugin }: { plugin: string }) {
  return (
    <div class="notice notice-muted" role="status" data-state="not-installed">
      <strong>{t('common.notInstalled', { plugin })}</strong>
      <p>{t('common.notInstalledHelp', { plugin })}</p>
    </div>
  );
}

/** An error as one line with its code, and what to do next when we know it. */
export function ErrorNotice({ error }: { error: unknown }) {
  const code = error instanceof ApiError ? error.code : '';
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    error instanceof ApiError && error.status === 403
      ? t('common.forbiddenHint')
      : error instanceof ApiError && error.status === 0
        ? t('common.networkHint')
        : '';
  return (
    <div class="notice notice-error" role="alert">
      <span>{message}</span>
      {code ? <code class="code-tag">{code}</code> : null}
      {hint ? <p>{hint}</p> : null}
    </div>
  );
}

/** Loading / error / not-installed / content, for one async read of a plugin's API. */
export function AsyncView<T>(props: {
  state: { data: T | undefined; error: unknown; loading: boolean };
  plugin?: string;
  children: (data: T) => ComponentChildren;
}) {
  const { data, error, loading } = props.state;
  if (error !== undefined && props.plugin && isNotFound(error)) return <NotInstalled plugin={props.plugin} />;
  if (error !== undefined && data === undefined) return <ErrorNotice error={error} />;
  if (data === undefined)
    return loading ? (
      <p class="muted" aria-busy="true">
        {t('common.loading')}
      </p>
    ) : null;
  return <>{props.children(data)}</>;
}
