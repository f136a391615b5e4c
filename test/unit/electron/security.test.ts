import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { hardenSession, hardenWebContents, isAllowedRequestUrl, secureWebPreferences } from '../../../main/electron/security.js';

describe('webPreferences', () => {
  it('isolate the page: context isolation, sandbox, no Node, web security, no webview', () => {
    const prefs = secureWebPreferences('/app/preload.cjs', false);
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      devTools: false,
    });
    expect(secureWebPreferences('/p', true).devTools).toBe(true);
  });
});

type Handler = (...args: unknown[]) => unknown;

function fakeSession() {
  const emitter = new EventEmitter();
  const s = {
    permissionRequest: undefined as Handler | undefined,
    permissionCheck: undefined as Handler | undefined,
    devicePermission: undefined as Handler | undefined,
    beforeRequest: undefined as { filter: { urls: string[] }; listener: Handler } | undefined,
    setPermissionRequestHandler: (h: Handler) => void (s.permissionRequest = h),
    setPermissionCheckHandler: (h: Handler) => void (s.permissionCheck = h),
    setDevicePermissionHandler: (h: Handler) => void (s.devicePermission = h),
    on: emitter.on.bind(emitter),
    emit: emitter.emit.bind(emitter),
    webRequest: { onBeforeRequest: (filter: { urls: string[] }, listener: Handler) => void (s.beforeRequest = { filter, listener }) },
  };
  return s;
}

describe('the session', () => {
  it('grants no permission, downloads nothing and cancels network requests', () => {
    const s = fakeSession();
    hardenSession(s as unknown as Session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const cb = vi.fn();
      s.permissionRequest!({}, permission, cb, {});
      expect(cb).toHaveBeenCalledWith(false);
      expect(s.permissionCheck!({}, permission, 'app://lora-studio', {})).toBe(false);
    }
    expect(s.devicePermission!({})).toBe(false);
    const download = { preventDefault: vi.fn() };
    s.emit('will-download', download, {}, {});
    expect(download.preventDefault).toHaveBeenCalled();
    expect(s.beforeRequest!.filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
    for (const [url, cancel] of [
      ['https://example.com/x.js', true],
      ['http://127.0.0.1:8000/', true],
      ['wss://example.com/', true],
      ['file:///etc/passwd', true],
      ['app://lora-studio/index.html', false],
      ['app://other/index.html', true],
    ] as const) {
      const cb = vi.fn();
      s.beforeRequest!.listener({ url }, cb);
      expect(cb).toHaveBeenCalledWith({ cancel });
    }
  });

  it('allows only our own origin and local data URLs', () => {
    expect(isAllowedRequestUrl('app://lora-studio/assets/a.js')).toBe(true);
    expect(isAllowedRequestUrl('app://lora-studio.evil/a.js')).toBe(false);
    expect(isAllowedRequestUrl('data:image/png;base64,AAA')).toBe(true);
    expect(isAllowedRequestUrl('https://lora-studio/')).toBe(false);
  });
});

function fakeContents() {
  const emitter = new EventEmitter();
  const c = {
    windowOpen: undefined as ((d: { url: string }) => { action: string }) | undefined,
    on: emitter.on.bind(emitter),
    emit: emitter.emit.bind(emitter),
    setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => void (c.windowOpen = h),
  };
  return c;
}

const navEvent = (url: string, isMainFrame = true) => ({ url, isMainFrame, preventDefault: vi.fn() });

describe('web contents', () => {
  it('block navigation, redirects, subframe navigation and webviews; open https links in the system browser', () => {
    const c = fakeContents();
    const opened: string[] = [];
    hardenWebContents(c as unknown as WebContents, (u) => opened.push(u));
    for (const url of ['https://example.com/', 'http://example.com/', 'file:///etc/passwd', 'app://lora-studio/other.html', 'javascript:alert(1)']) {
      const e = navEvent(url);
      c.emit('will-navigate', e, url);
      expect(e.preventDefault).toHaveBeenCalled();
    }
    expect(opened).toEqual(['https://example.com/']);
    const redirect = navEvent('https://example.com/');
    c.emit('will-redirect', redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();
    const sub = navEvent('https://example.com/', false);
    c.emit('will-frame-navigate', sub);
    expect(sub.preventDefault).toHaveBeenCalled();
    const main = navEvent('app://lora-studio/index.html', true);
    c.emit('will-frame-navigate', main);
    expect(main.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    c.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('deny every new window', () => {
    const c = fakeContents();
    const opened: string[] = [];
    hardenWebContents(c as unknown as WebContents, (u) => opened.push(u));
    expect(c.windowOpen!({ url: 'https://docs.example/formula' })).toEqual({ action: 'deny' });
    expect(c.windowOpen!({ url: 'app://lora-studio/index.html' })).toEqual({ action: 'deny' });
    expect(c.windowOpen!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.example/formula']);
  });
});
