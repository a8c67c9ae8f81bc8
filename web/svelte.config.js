import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // adapter-node writes build/handler.js, which the API server mounts on its own origin.
    adapter: adapter({ out: 'build' }),
  },
};

export default config;
