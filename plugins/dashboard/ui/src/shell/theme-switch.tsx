import { t } from '../i18n/t.js';
import { useStore } from '../state/store.js';
import { type ThemeChoice, theme } from '../theme/theme.js';

/** Light / dark / auto (follows the system). */
export function ThemeSwitch() {
  const choice = useStore(theme);
  return (
    <label class="theme-switch">
      <span class="visually-hidden">{t('theme.label')}</span>
      <select value={choice} onChange={(e) => theme.set(e.currentTarget.value as ThemeChoice)}>
        <option value="auto">{t('theme.auto')}</option>
        <option value="light">{t('theme.light')}</option>
        <option value="dark">{t('theme.dark')}</option>
      </select>
    </label>
  );
}
