import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findCommand } from '../../src/commands/commands.ts';
import { operate } from '../../src/commands/operate.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A service stand-in recording each request's method, URL and headers. */
async function recordingService() {
  const seen: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
  server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { seen, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const run = (words: string[], service: { baseUrl: string; adminToken: string; readToken?: string }) => {
  const found = findCommand(words);
  if (!found) throw new Error(`no command ${words.join(' ')}`);
  return operate(found.command, found.args, service, () => {});
};

describe('operate', () => {
  it('confirms queue clear, since the service refuses DELETE /queue without ?confirm=true', async () => {
    const { seen, baseUrl } = await recordingService();
    expect(await run(['queue', 'clear'], { baseUrl, adminToken: 'adm' })).toBe(0);
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/queue?confirm=true', headers: { authorization: 'Bearer adm' } });
  });

  it('reads and forgets a Notion connector\'s verification token on its admin route', async () => {
    const { seen, baseUrl } = await recordingService();
    await run(['webhook', 'verification', 'team notion'], { baseUrl, adminToken: 'adm' });
    await run(['webhook', 'forget', 'team notion'], { baseUrl, adminToken: 'adm' });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /connectors/team%20notion/webhook-verification', 'DELETE /connectors/team%20notion/webhook-verification']);
    expect(seen.every((s) => s.headers.authorization === 'Bearer adm')).toBe(true);
  });

  it('sends the admin token when there is one, else the read token, else nothing', async () => {
    const { seen, baseUrl } = await recordingService();
    await run(['health'], { baseUrl, adminToken: 'adm', readToken: 'rd' });
    await run(['health'], { baseUrl, adminToken: '', readToken: 'rd' });
    await run(['health'], { baseUrl, adminToken: '' });
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer adm', 'Bearer rd', undefined]);
  });
});
