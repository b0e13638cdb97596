import type { HarpServer } from '../../src/server/harp-server.js';
import { send } from './http-client.js';

/** A call to the admin API with its JSON answer. */
export async function adminApi(
  proxy: HarpServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Record<string, unknown>; json: any }> {
  const res = await send(`${proxy.url}/_harp/api${path}`, { method, headers });
  const text = res.body.toString();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, headers: res.headers, json };
}

/** Polls `check` until it holds (or fails the test after `ms`). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
