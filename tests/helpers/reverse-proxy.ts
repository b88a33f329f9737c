import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny stand-in for nginx in front of the API: forwards every request to `upstream` as nginx's
 * `proxy_pass http://upstream;` does (Host rewritten to the upstream's), with the headers README
 * tells operators to set (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`,
 * `X-Forwarded-Proto https` as a TLS terminator sets it, `X-Forwarded-Host $host`).
 */
export interface ProxyOptions {
  /** Host header sent upstream: 'upstream' (nginx's default $proxy_host) or 'client' ($host). */
  host?: 'upstream' | 'client';
}

export async function startReverseProxy(upstreamPort: number, options: ProxyOptions = {}) {
  const server = http.createServer((req, res) => {
    const headers = { ...req.headers };
    const client = `${req.socket.remoteAddress}`;
    const forwarded = [headers['x-forwarded-for']].flat().filter(Boolean).join(', ');
    headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${client}` : client;
    headers['x-forwarded-proto'] = 'https';
    headers['x-forwarded-host'] = req.headers.host;
    if ((options.host ?? 'upstream') === 'upstream') headers.host = `127.0.0.1:${upstreamPort}`;
    const path = req.url ?? '/';
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>502 Bad Gateway</html>');
      } else res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
