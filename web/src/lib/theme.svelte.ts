/** The colour themes the app has. */
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'genesis:theme';

/**
 * The colour theme. Until the user picks one it follows `prefers-color-scheme`; a pick is stored
 * in localStorage and applied as `<html data-theme>` (app.html applies it before first paint).
 */
class ThemeState {
  /** The theme in effect; `undefined` on the server and before `init()`. */
  current = $state<Theme | undefined>(undefined);

  /** Reads the stored or system theme. Call once in the browser. */
  init(): void {
    const stored = document.documentElement.dataset.theme;
    if (stored === 'light' || stored === 'dark') {
      this.current = stored;
      return;
    }
    this.current = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  /** Switches between light and dark and remembers the choice. */
  toggle(): void {
    const next: Theme = this.current === 'dark' ? 'light' : 'dark';
    this.current = next;
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Without storage the choice lasts for this page view only.
    }
  }
}

/** The app's theme state (browser only). */
export const theme = new ThemeState();
