import { z } from 'zod';

/** One node of the cluster, as its record in Redis and its messages carry it. */
export interface NodeRecord {
  readonly id: string;
  /** Where other nodes reach its internal listener. */
  readonly url: string;
  /** When the node started, ms since the epoch (its own clock). */
  readonly startedAt: number;
  /** When it last wrote its record, ms since the epoch (its own clock; never compared across nodes). */
  readonly heartbeatAt: number;
  /** Agents connected to it now. */
  readonly agents: number;
}

/** One route a node serves: the node holds `members` agents of the pool `host` + `path`. */
export interface RouteEntry {
  readonly host: string;
  readonly path: string;
  /** The key id owning the route (the same on every node: see the ownership claim). */
  readonly ownerKeyId: string;
  readonly nodeId: string;
  /** Agents of the pool on that node; an entry exists only while it is at least 1. */
  readonly members: number;
}

/** Everything a node publishes about itself: its record and its routes. */
export interface NodeState {
  readonly node: NodeRecord;
  readonly routes: readonly RouteEntry[];
}

/**
 * Messages on the directory channel. A node sends `state` after each heartbeat and each change
 * of its routes (the whole state, so that a lost message is healed by the next), and `leave`
 * when it stops cleanly. `v` lets a later format be told apart and ignored by older nodes.
 */
export type DirectoryMessage =
  | { readonly v: 1; readonly type: 'state'; readonly state: NodeState }
  | { readonly v: 1; readonly type: 'leave'; readonly nodeId: string };

const count = z.int().min(0);
const time = z.number().int().min(0);

export const nodeRecordSchema = z.object({
  id: z.string().min(1),
  url: z.string(),
  startedAt: time,
  heartbeatAt: time,
  agents: count,
});

export const routeEntrySchema = z.object({
  host: z.string().min(1),
  path: z.string().startsWith('/'),
  ownerKeyId: z.string().min(1),
  nodeId: z.string().min(1),
  members: z.int().min(1),
});

const messageSchema = z.discriminatedUnion('type', [
  z.object({ v: z.literal(1), type: z.literal('state'), state: z.object({ node: nodeRecordSchema, routes: z.array(routeEntrySchema) }) }),
  z.object({ v: z.literal(1), type: z.literal('leave'), nodeId: z.string().min(1) }),
]);

export function encodeMessage(message: DirectoryMessage): string {
  return JSON.stringify(message);
}

/**
 * A message read from the channel, or undefined when it is not one this node understands (a
 * newer format, another program's): such a message is skipped, never trusted half-way.
 */
export function decodeMessage(text: string): DirectoryMessage | undefined {
  return parseJson(text, messageSchema) as DirectoryMessage | undefined;
}

/** A stored node record, or undefined when it is damaged or not one. */
export function decodeNodeRecord(text: string | null | undefined): NodeRecord | undefined {
  return text == null ? undefined : parseJson(text, nodeRecordSchema);
}

/** A stored route entry, or undefined when it is damaged or not one. */
export function decodeRouteEntry(text: string): RouteEntry | undefined {
  return parseJson(text, routeEntrySchema);
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}
