/** Entry of the Electron main process (bundled to dist/electron/main.cjs). */
import { startApp } from './app.js';

startApp({ bundleDir: __dirname });
