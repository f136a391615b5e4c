// The renderer's build (scripts/build.mjs renderer): dist/renderer with relative asset URLs, so the same
// files work from Electron's app:// protocol and from `lora-studio serve`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig(({ command }) => {
  // A build is for users: React's production build even when the caller's NODE_ENV says "test" (vitest
  // builds the UI for the e2e tests). Vite reads NODE_ENV after loading this file, as its docs suggest.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: here,
    base: './',
    plugins: [react()],
    build: {
      outDir: `${here}/../dist/renderer`,
      emptyOutDir: true,
      sourcemap: true,
      target: 'es2022',
      // One app bundle (React, React Flow, zod); nothing is loaded lazily.
      chunkSizeWarningLimit: 1500,
      rollupOptions: {
        onwarn(warning, warn) {
          // zod's sources carry comments Rollup cannot place; harmless, and not ours to fix.
          if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
          warn(warning);
        },
      },
    },
    server: { fs: { allow: [`${here}/..`] } },
  };
});
