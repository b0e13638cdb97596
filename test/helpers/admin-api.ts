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

export { eventually } from './eventually.js';
