import { createStore } from '../state/store.js';

/** The colour scheme the user picked; `auto` follows the system. */
export type ThemeChoice = 'light' | 'dark' | 'auto';

const KEY = 'omega.theme';

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

/** The user's choice (a preference, kept in localStorage, not in the URL). */
export const theme = createStore<ThemeChoice>(stored());

/** Applies the choice as `data-theme` on <html> (CSS variables do the rest; no inline style). */
export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = choice;
  try {
    if (choice === 'auto') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Private mode: the choice lasts for this page.
  }
}

theme.subscribe(applyTheme);
applyTheme(theme.get());
