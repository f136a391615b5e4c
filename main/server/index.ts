export { startServe, type RunningServe, type ServeOptions } from './serve.js';
export { startBrowserServer, checkBindHost, type BrowserServer, type BrowserServerOptions } from './browser-server.js';
export { createBrowserHandlers } from './browser-handlers.js';
export type { EngineApi, GraphContext } from './engine-api.js';
export { appPaths, findAppRoot, type AppPaths } from './platform/app-paths.js';
export { defaultConfigDir } from './platform/config-dir.js';
export { createShellFiles, type ShellFiles } from './platform/shell-files.js';
export { isLoopbackHost, isWildcardHost } from './security/bind-address.js';
export { openInBrowser } from './open-browser.js';
