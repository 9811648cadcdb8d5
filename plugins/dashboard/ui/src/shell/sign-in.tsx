import { useState } from 'preact/hooks';
import type { AuthSession, SignedOutReason } from '../auth/auth-session.js';
import { ErrorNotice } from '../components/status-views.js';
import { t } from '../i18n/t.js';
import { ThemeSwitch } from './theme-switch.js';

const REASONS: Record<
  SignedOutReason,
  'signin.reason.idle' | 'signin.reason.expired' | 'signin.reason.signedOut' | 'signin.reason.kioskInvalid'
> = {
  idle: 'signin.reason.idle',
  expired: 'signin.reason.expired',
  'signed-out': 'signin.reason.signedOut',
  'kiosk-invalid': 'signin.reason.kioskInvalid',
};

/** Sign-in with the security plugin; first start: create the first admin with the one-time bootstrap secret. */
export function SignIn({ auth, reason }: { auth: AuthSession; reason?: SignedOutReason }) {
  const [mode, setMode] = useState<'signin' | 'bootstrap'>('signin');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const username = String(f.get('username') ?? '');
    const password = String(f.get('password') ?? '');
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'bootstrap') await auth.bootstrap(String(f.get('secret') ?? ''), username, password);
      else await auth.signIn(username, password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" id="main">
      <div class="signin-card">
        <div class="row-between">
          <h1 class="brand-title">{t('app.name')}</h1>
          <ThemeSwitch />
        </div>
        <h2>{mode === 'bootstrap' ? t('signin.bootstrapTitle') : t('signin.title')}</h2>
        {reason ? (
          <p class="notice notice-muted" role="status" data-reason={reason}>
            {t(REASONS[reason])}
          </p>
        ) : null}
        <form
          class="stack"
          onSubmit={submit}
          aria-label={mode === 'bootstrap' ? t('signin.bootstrapTitle') : t('signin.title')}
        >
          {mode === 'bootstrap' ? (
            <div class="field">
              <label for="signin-secret">{t('signin.secret')}</label>
              <input
                id="signin-secret"
                name="secret"
                type="password"
                required
                autoComplete="off"
                aria-describedby="signin-secret-help"
              />
              <small id="signin-secret-help" class="muted">
                {t('signin.secretHelp')}
              </small>
            </div>
          ) : null}
          <label class="field">
            <span>{t('signin.username')}</span>
            <input
              name="username"
              required
              autoComplete="username"
              autoCapitalize="none"
              spellcheck={false}
            />
          </label>
          <div class="field">
            <label for="signin-password">{t('signin.password')}</label>
            <input
              id="signin-password"
              name="password"
              type="password"
              required
              autoComplete={mode === 'bootstrap' ? 'new-password' : 'current-password'}
              aria-describedby={mode === 'bootstrap' ? 'signin-password-help' : undefined}
            />
            {mode === 'bootstrap' ? (
              <small id="signin-password-help" class="muted">
                {t('signin.passwordHelp')}
              </small>
            ) : null}
          </div>
          {error !== undefined ? <ErrorNotice error={error} /> : null}
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {mode === 'bootstrap' ? t('signin.bootstrapSubmit') : t('signin.submit')}
          </button>
        </form>
        <button
          type="button"
          class="btn btn-link"
          onClick={() => setMode(mode === 'signin' ? 'bootstrap' : 'signin')}
        >
          {mode === 'signin' ? t('signin.toBootstrap') : t('signin.toSignin')}
        </button>
      </div>
    </main>
  );
}
