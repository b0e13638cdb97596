/**
 * The directory's Lua scripts. Each runs atomically in Redis, which is what makes the ownership
 * claim safe across nodes: no other command runs between reading a route's owner key and
 * writing it. Both apply `claimOutcome` (`cluster-rules.ts`) to every route.
 */

/**
 * One route's ownership claim.
 * KEYS[1] the owner key; ARGV[1] the claiming key id, ARGV[2] the owner key's TTL in ms.
 * Returns `{granted (1|0), owner, write ('create'|'refresh'|'none')}`.
 */
export const CLAIM_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ARGV[1], 'create'}
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, current, 'refresh'}
end
return {0, current, 'none'}
`;

/**
 * A node's heartbeat and state in one step: its record (with the node TTL), its id in the node
 * set, and its routes hash rewritten with the routes whose ownership it holds or takes now
 * (claim semantics as above, each owner key refreshed); the hash gets the node TTL too.
 *
 * KEYS[1] node key, KEYS[2] node set, KEYS[3] routes hash, KEYS[4…] one owner key per route.
 * ARGV[1] node id, ARGV[2] node record JSON, ARGV[3] node TTL ms, ARGV[4] owner TTL ms, then per
 * route three values: route id, entry JSON, key id.
 * Returns the refused routes as a flat list `{route id, owner, …}`.
 */
export const PUBLISH_STATE_SCRIPT = `
local ttl = ARGV[3]
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
local refused = {}
local held = 0
for i = 4, #KEYS do
  local a = 5 + (i - 4) * 3
  local key = ARGV[a + 2]
  local current = redis.call('GET', KEYS[i])
  if current == false then
    redis.call('SET', KEYS[i], key, 'PX', ARGV[4])
    current = key
  elseif current == key then
    redis.call('PEXPIRE', KEYS[i], ARGV[4])
  end
  if current == key then
    redis.call('HSET', KEYS[3], ARGV[a], ARGV[a + 1])
    held = held + 1
  else
    table.insert(refused, ARGV[a])
    table.insert(refused, current)
  end
end
if held > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
return refused
`;
