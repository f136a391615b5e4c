/** Raw HTTP requests for the server tests: node:http, so Host, Origin and bodies are exactly what a test says. */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

export interface RawRequest {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export function request(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: r.port, path: r.path, method: r.method ?? 'GET', headers: { Host: `127.0.0.1:${r.port}`, ...r.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

/** An API call as the renderer makes it. */
export function apiCall(port: number, method: string, args: unknown[], token: string | null, headers: Record<string, string> = {}): Promise<RawResponse> {
  return request({
    port,
    path: `/api/${method}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token !== null ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ args }),
  });
}
