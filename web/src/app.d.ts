import type { IncomingMessage } from 'node:http';

// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Error {
      message: string;
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
