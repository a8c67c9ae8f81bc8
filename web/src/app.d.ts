import type { IncomingMessage } from 'node:http';

// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Error {
      /** In English (logs, API clients). */
      message: string;
      /** The same in the catalogues (`error.*`), for the error page to show in the reader's language. */
      key?: import('$lib/i18n/messages.ts').MessageKey;
      values?: import('$lib/i18n/messages.ts').MessageValues;
    }
    interface Locals {
      /** The UI language of this request (hooks.server.ts). */
      locale: import('$lib/i18n/messages.ts').Locale;
    }
    /** adapter-node hands every request's Node objects to hooks (absent in `vite dev`). */
    interface Platform {
      req?: IncomingMessage;
    }
  }
}
