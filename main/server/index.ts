export { startServe, type RunningServe, type ServeOptions } from './serve.js';
export { startBrowserServer, checkBindHost, type BrowserServer, type BrowserServerOptions } from './browser-server.js';
export { createBrowserHandlers } from './browser-handlers.js';
export type { EngineApi, GraphContext } from '../shell/engine-api.js';
export { appPaths, findAppRoot, type AppPaths } from '../shell/platform/app-paths.js';
export { defaultConfigDir } from '../shell/platform/config-dir.js';
export { createShellFiles, type ShellFiles } from '../shell/platform/shell-files.js';
export { isLoopbackHost, isWildcardHost } from './security/bind-address.js';
export { openInBrowser } from './open-browser.js';
