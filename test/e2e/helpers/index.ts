/** Shared helpers of the end-to-end tests: serve on port 0 with temporary folders, a fresh renderer build, headless Chromium. */
export { callApi, startServeProcess, type ServeProcess, type ServeProcessOptions } from './serve-process.js';
export { ensureRendererBuilt, rendererIsFresh } from './renderer-build.js';
export { chromiumAvailable, CHROMIUM_PATH, launchChromium, openPage, recordConsole, type AppPage, type ConsoleLog } from './chromium.js';
export { emulateElectronWindow, EMULATED_ORIGIN, type EmulatedWindow } from './electron-emulation.js';
export { graphQuery, openAppSession, type AppSession } from './app-session.js';
