import '@xyflow/react/dist/style.css';
import './theme/tokens.css';
import './theme/base.css';
import './theme/layout.css';
import './theme/canvas.css';
import './theme/nodes.css';
import './theme/panels.css';
import './theme/plots.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PlatformContext } from './api/api-context.js';
import { connectPlatform, findPreloadBridge } from './api/connect-platform.js';
import { App } from './app/App.js';
import { initialTheme } from './app/use-theme.js';
import { StartupError } from './app/StartupError.js';
import { createAppStore } from './store/app-store.js';
import { StoreContext } from './store/store-context.js';

const root = createRoot(document.getElementById('root') as HTMLElement);
const store = createAppStore();
store.getState().setTheme(initialTheme());
document.documentElement.dataset.theme = store.getState().theme;

const bridge = findPreloadBridge(window);
const connection = connectPlatform({
  location: window.location,
  ...(bridge ? { bridge } : {}),
  onConnectionState: (state) => store.getState().setConnectionState(state),
  onInvalidMessage: (channel, error) => store.getState().toast('warning', `Ignored a malformed message on ${channel}: ${error.message}`),
});

async function start(): Promise<void> {
  if (!connection.ok) {
    root.render(<StartupError message={connection.message} hint={connection.hint} />);
    return;
  }
  try {
    const info = await connection.api.getAppInfo();
    root.render(
      <StrictMode>
        <StoreContext.Provider value={store}>
          <PlatformContext.Provider value={{ api: connection.api, info }}>
            <App />
          </PlatformContext.Provider>
        </StoreContext.Provider>
      </StrictMode>,
    );
  } catch (e) {
    root.render(<StartupError message={`Could not reach the LoRA Studio engine: ${e instanceof Error ? e.message : String(e)}`} hint="Restart LoRA Studio (or `lora-studio serve`) and open the link it prints." />);
  }
}

void start();
