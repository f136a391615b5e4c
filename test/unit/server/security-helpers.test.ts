import { describe, expect, it } from 'vitest';
import { hostAllowed, isLoopbackHost, isWildcardHost, parseHostHeader, urlHost } from '../../../main/server/security/bind-address.js';
import { contentSecurityPolicy } from '../../../main/shell/security-headers.js';
import { bearerToken, newToken, tokenMatches } from '../../../main/server/security/token.js';

describe('tokens', () => {
  it('are random, URL-safe and 256 bits', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
  });

  it('match only exactly', () => {
    const t = newToken();
    expect(tokenMatches(t, t)).toBe(true);
    for (const other of [null, undefined, '', t.slice(1), `${t}x`, t.toUpperCase(), 'x'.repeat(5000)]) expect(tokenMatches(t, other)).toBe(false);
  });

  it('are read from a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('bind addresses', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (h) => expect(isLoopbackHost(h)).toBe(true));
  it.each(['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1', 'localhost.example.com'])('%s is not loopback', (h) => expect(isLoopbackHost(h)).toBe(false));
  it('knows wildcards and writes IPv6 hosts in brackets', () => {
    expect(isWildcardHost('0.0.0.0')).toBe(true);
    expect(isWildcardHost('[::]')).toBe(true);
    expect(isWildcardHost('127.0.0.1')).toBe(false);
    expect(urlHost('::1')).toBe('[::1]');
    expect(urlHost('127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('Host headers', () => {
  it('parse with default port 80, and refuse junk', () => {
    expect(parseHostHeader('127.0.0.1:8080')).toEqual({ hostname: '127.0.0.1', port: 8080 });
    expect(parseHostHeader('[::1]:9')).toEqual({ hostname: '::1', port: 9 });
    expect(parseHostHeader('LocalHost')).toEqual({ hostname: 'localhost', port: 80 });
    for (const bad of [undefined, '', 'a b', 'user@host:1', 'host:0', 'host:70000', 'host:1:2', 'h/x']) expect(parseHostHeader(bad)).toBeNull();
  });

  it('are allowed for the bound name, loopback spellings on loopback, IP literals on a wildcard bind', () => {
    const h = (v: string) => parseHostHeader(v)!;
    expect(hostAllowed(h('localhost:5'), '127.0.0.1', 5)).toBe(true);
    expect(hostAllowed(h('[::1]:5'), '127.0.0.1', 5)).toBe(true);
    expect(hostAllowed(h('localhost:6'), '127.0.0.1', 5)).toBe(false);
    expect(hostAllowed(h('evil.example:5'), '127.0.0.1', 5)).toBe(false);
    expect(hostAllowed(h('192.168.1.9:5'), '192.168.1.9', 5)).toBe(true);
    expect(hostAllowed(h('localhost:5'), '192.168.1.9', 5)).toBe(false);
    expect(hostAllowed(h('10.1.2.3:5'), '0.0.0.0', 5)).toBe(true);
    expect(hostAllowed(h('gpu-box.lan:5'), '0.0.0.0', 5)).toBe(false);
    expect(hostAllowed(h('gpu-box.lan:5'), 'gpu-box.lan', 5)).toBe(true);
  });
});

describe('content security policy', () => {
  it('allows no inline or eval script and no foreign connections', () => {
    const csp = contentSecurityPolicy('ws://127.0.0.1:5');
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:5;");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('*');
  });
});
