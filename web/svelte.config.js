import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // adapter-node writes build/handler.js, which the API server mounts on its own origin.
    adapter: adapter({ out: 'build' }),
    // Kit's own check compares a form post's Origin with the URL adapter-node reconstructs, which
    // is https:// unless ORIGIN is set; the server serves plain http without it, so every form
    // action would be refused. hooks.server.ts checks the Origin against the Host instead.
    csrf: { trustedOrigins: ['*'] },
  },
};

export default config;
