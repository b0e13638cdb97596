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
 * One subdomain's claim (docs/cluster.md, "Subdomains"): granted when nobody holds the name, or
 * (mode `join`) when the claiming key already does; the name's hold is then set to ARGV[2] ms,
 * which its node renews while the name is served. Mode `new` (a freshly drawn name) is granted
 * only when nobody holds it, so two nodes never hand one generated name out twice.
 * KEYS[1] the subdomain key; ARGV[1] the key id, ARGV[2] the hold in ms, ARGV[3] `new` or `join`.
 * Returns `{granted (1|0), owner}`.
 */
export const SUBDOMAIN_CLAIM_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == false or (ARGV[3] == 'join' and current == ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ARGV[1]}
end
return {0, current}
`;

/**
 * Whether the node record in KEYS[1] is another node's: one with the same id at another address
 * (two nodes given one `nodeId`). The same address is the same node started again: two running
 * processes cannot listen on one. Returns that node's url, or false.
 */
const RECORD_OF_ANOTHER = `
local function record_of_another(url)
  local existing = redis.call('GET', KEYS[1])
  if existing == false then return false end
  local ok, record = pcall(cjson.decode, existing)
  if not ok or type(record) ~= 'table' then return false end
  if record.url ~= url then return tostring(record.url) end
  return false
end
`;

/**
 * A node's heartbeat and state in one step: its record (with the node TTL), its id in the node
 * set, and its routes hash rewritten with the routes whose ownership it holds or takes now
 * (claim semantics as above, each owner key refreshed); the hash gets the node TTL too. Nothing
 * is written while another node's record holds the id (the first node keeps it).
 *
 * KEYS[1] node key, KEYS[2] node set, KEYS[3] routes hash, KEYS[4…] one owner key per route.
 * ARGV[1] node id, ARGV[2] node record JSON, ARGV[3] node TTL ms, ARGV[4] owner TTL ms, ARGV[5]
 * the node's url, then per route three values: route id, entry JSON, key id.
 * Returns `{'taken', url of the node holding the id}`, or `{'written', route id, owner, …}` with
 * the refused routes.
 */
export const PUBLISH_STATE_SCRIPT = `${RECORD_OF_ANOTHER}
local holder = record_of_another(ARGV[5])
if holder then return {'taken', holder} end
local ttl = ARGV[3]
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
local refused = {'written'}
local held = 0
for i = 4, #KEYS do
  local a = 6 + (i - 4) * 3
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

/**
 * A node leaving: its record, routes hash and set entry deleted and `leave` published, unless
 * the record is another node's (see above). KEYS[1] node key, KEYS[2] node set, KEYS[3] routes
 * hash; ARGV[1] node id, ARGV[2] the channel, ARGV[3] the leave message, ARGV[4] the node's url.
 * Returns 1 when it left.
 */
export const LEAVE_SCRIPT = `${RECORD_OF_ANOTHER}
if record_of_another(ARGV[4]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;
