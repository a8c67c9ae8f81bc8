import type { IncomingMessage } from 'node:http';

// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Error {
      message: string;
    }
    /** adapter-node hands every request's Node objects to hooks (absent in `vite dev`). */
    interface Platform {
      req?: IncomingMessage;
    }
  }
}
