import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// In dev the API runs as its own process; production serves both from one origin.
const api = `http://127.0.0.1:${process.env.GENESIS_API_PORT ?? '4000'}`;

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '^/datasets/[^/]+/export': { target: api, changeOrigin: true },
    },
  },
});
