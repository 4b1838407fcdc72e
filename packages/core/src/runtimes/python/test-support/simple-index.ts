import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface SimpleIndex {
  /** `http://127.0.0.1:<port>/simple/` */
  url: string;
  close(): Promise<void>;
}

const projectOf = (file: string) => file.replace(/-\d.*$/, '').toLowerCase().replace(/[-_.]+/g, '-');

/**
 * A PEP 503 simple index over the distribution files in `dir`, on 127.0.0.1 and a free port.
 * Links carry `#sha256=` so pip checks what it downloads.
 */
export async function serveSimpleIndex(dir: string): Promise<SimpleIndex> {
  const server = http.createServer((req, res) => {
    handle(dir, req.url ?? '/').then(
      ({ status, type, body }) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      },
      (err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(err.message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple/`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

async function handle(dir: string, url: string): Promise<{ status: number; type: string; body: string | Buffer }> {
  const files = (await fsp.readdir(dir)).filter((f) => f.endsWith('.whl') || f.endsWith('.tar.gz')).sort();
  const html = (links: string[]) => `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>\n`;
  const parts = url.split('?')[0].split('/').filter(Boolean);
  if (parts[0] === 'simple' && parts.length === 1) {
    const projects = [...new Set(files.map(projectOf))];
    return { status: 200, type: 'text/html', body: html(projects.map((p) => `<a href="/simple/${p}/">${p}</a>`)) };
  }
  if (parts[0] === 'simple' && parts.length === 2) {
    const mine = files.filter((f) => projectOf(f) === parts[1]);
    if (!mine.length) return { status: 404, type: 'text/plain', body: 'not found' };
    const links = await Promise.all(mine.map(async (f) => {
      const sha = createHash('sha256').update(await fsp.readFile(path.join(dir, f))).digest('hex');
      return `<a href="/files/${f}#sha256=${sha}">${f}</a>`;
    }));
    return { status: 200, type: 'text/html', body: html(links) };
  }
  if (parts[0] === 'files' && parts.length === 2 && files.includes(parts[1])) {
    return { status: 200, type: 'application/octet-stream', body: await fsp.readFile(path.join(dir, parts[1])) };
  }
  return { status: 404, type: 'text/plain', body: 'not found' };
}
