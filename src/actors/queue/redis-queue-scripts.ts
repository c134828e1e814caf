import { RedisScript } from './redis-script.ts';

// Every multi-key change of the Redis queue is one of these scripts, so a crash between two commands cannot lose or
// duplicate an event. The lists and sets hold event ids (the event's sequence, from INCR of the seq key); the JSON
// payload lives in the payloads hash under its id until the event is acked or dead-lettered, so every step touches
// one small id, not a payload of up to 1 MB. A lease is an id in the leases zset (score: deadline ms) plus the token of
// the claim holding it in the holders hash; only that token may ack, retry, release or extend it (a late ack is the
// exception: see ackScript). All keys share the hash tag of the list name, so one queue lives in one Cluster slot.
// An item in the ready list that is not an id (a JSON entry pushed by a foreign or older producer) is adopted when it
// is taken: it gets an id and its text becomes the payload.

/** Lua: the id of a ready-list item, adopting a non-id item as a payload. KEYS[seq], KEYS[payloads] passed in. */
const ADOPT = `
local function adopt(item, seqKey, payloadsKey)
  if string.match(item, '^%d+$') then return item end
  local id = tostring(redis.call('INCR', seqKey))
  redis.call('HSET', payloadsKey, id, item)
  return id
end
`;

/** Lua: runs `cmd key args...` over a flat argument list in slices (Lua's unpack stops at about 8000 values). */
const CHUNKED = `
local function chunked(cmd, key, args)
  local out = {}
  for i = 1, #args, 1000 do
    local part = redis.call(cmd, key, unpack(args, i, math.min(i + 999, #args)))
    if type(part) == 'table' then for _, v in ipairs(part) do out[#out + 1] = v end end
  end
  return out
end
`;

/** Lua: dead-letters `id` (record with its payload), forgetting everything else about it. */
const BURY = `
local function bury(id, reason, now, deadKey, payloadsKey, attemptsKey, expiriesKey)
  local entry = redis.call('HGET', payloadsKey, id) or ''
  redis.call('RPUSH', deadKey, cjson.encode({id = id, entry = entry, reason = reason, failed_at = now}))
  redis.call('HDEL', payloadsKey, id)
  redis.call('HDEL', attemptsKey, id)
  redis.call('HDEL', expiriesKey, id)
  return entry
end
`;

/**
 * Enqueue all or nothing.
 * KEYS: 1 ready list, 2 dedupe zset (event id -> expiry ms), 3 seq counter, 4 payloads hash
 * ARGV: 1 max size, 2 now ms, 3 dedupe window ms, then pairs (event id, entry)
 * Returns {queued, duplicates}, or {-1, size} when the batch does not fit.
 */
export const enqueueScript = new RedisScript(
  `${CHUNKED}
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local fresh, seen, duplicates = {}, {}, 0
for i = 4, #ARGV, 2 do
  local id = ARGV[i]
  if seen[id] or redis.call('ZSCORE', KEYS[2], id) then
    duplicates = duplicates + 1
  else
    seen[id] = true
    fresh[#fresh + 1] = i
  end
end
local size = redis.call('LLEN', KEYS[1])
if size + #fresh > tonumber(ARGV[1]) then return {-1, size} end
if #fresh == 0 then return {0, duplicates} end
local expiry = now + tonumber(ARGV[3])
local first = redis.call('INCRBY', KEYS[3], #fresh) - #fresh
local remembered, payloads, ids = {}, {}, {}
for n, i in ipairs(fresh) do
  local id = string.format('%d', first + n)
  remembered[#remembered + 1] = expiry
  remembered[#remembered + 1] = ARGV[i]
  payloads[#payloads + 1] = id
  payloads[#payloads + 1] = ARGV[i + 1]
  ids[n] = id
end
chunked('ZADD', KEYS[2], remembered)
chunked('HSET', KEYS[4], payloads)
chunked('RPUSH', KEYS[1], ids)
return {#fresh, duplicates}
`,
  4,
);

/**
 * Claim up to N events, oldest first, after promoting due retries to the back of the queue.
 * KEYS: 1 ready list, 2 leases zset, 3 holders hash, 4 payloads hash, 5 attempts hash, 6 delayed zset, 7 seq counter
 * ARGV: 1 max, 2 now ms, 3 lease ms, 4 claim token
 * Returns a flat array: id, payload (nil when none is stored), attempts, id, payload, attempts, ...
 */
export const claimScript = new RedisScript(
  `${ADOPT}${CHUNKED}
local now = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now, 'LIMIT', 0, 1000)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[6], id)
  redis.call('RPUSH', KEYS[1], id)
end
local deadline = now + tonumber(ARGV[3])
local max = tonumber(ARGV[1])
local items = max > 0 and redis.call('LPOP', KEYS[1], max)
if not items then return {} end
local ids, leases, holders = {}, {}, {}
for n, item in ipairs(items) do
  local id = adopt(item, KEYS[7], KEYS[4])
  ids[n] = id
  leases[#leases + 1] = deadline
  leases[#leases + 1] = id
  holders[#holders + 1] = id
  holders[#holders + 1] = ARGV[4]
end
chunked('ZADD', KEYS[2], leases)
chunked('HSET', KEYS[3], holders)
local payloads = chunked('HMGET', KEYS[4], ids)
local attempts = chunked('HMGET', KEYS[5], ids)
local out = {}
for n, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = payloads[n]
  out[#out + 1] = attempts[n] or '0'
end
return out
`,
  7,
);

/**
 * Lease an item a blocking claim moved from the ready list to the handoff list with BLMOVE.
 * KEYS: 1 handoff list, 2 leases zset, 3 holders hash, 4 payloads hash, 5 attempts hash, 6 seq counter
 * ARGV: 1 item, 2 deadline ms, 3 claim token
 * Returns {id, payload (nil when none is stored), attempts}, or nil when the reaper already put the item back.
 */
export const leaseScript = new RedisScript(
  `${ADOPT}
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return false end
local id = adopt(ARGV[1], KEYS[6], KEYS[4])
redis.call('ZADD', KEYS[2], ARGV[2], id)
redis.call('HSET', KEYS[3], id, ARGV[3])
return {id, redis.call('HGET', KEYS[4], id), redis.call('HGET', KEYS[5], id) or '0'}
`,
  6,
);

/**
 * Push the leases this claim still holds to a new deadline (bullmq's extendLock, for a batch).
 * KEYS: 1 leases zset, 2 holders hash. ARGV: 1 deadline ms, then pairs (id, claim token)
 * Returns the ids whose lease this claim no longer holds (reaped, and maybe redelivered).
 */
export const extendScript = new RedisScript(
  `
local lost = {}
for i = 2, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
`,
  2,
);

/**
 * Acknowledge events: they are done and forgotten. O(1) per event under its own lease. A late ack (the lease was reaped
 * meanwhile) still means the work committed, so the event is taken out wherever it now is: waiting for a retry,
 * leased by another claim, or back in the ready list, where the reaper put it at the head so LREM finds it early.
 * KEYS: 1 ready list, 2 handoff list, 3 leases zset, 4 holders hash, 5 payloads hash, 6 attempts hash, 7 expiries hash,
 *       8 delayed zset
 * ARGV: pairs (id, claim token)
 * Returns how many acks were late (the event was no longer held by that claim but still queued).
 */
export const ackScript = new RedisScript(
  `${CHUNKED}
local ids = {}
for i = 1, #ARGV, 2 do ids[#ids + 1] = ARGV[i] end
local holders = chunked('HMGET', KEYS[4], ids)
local held, late = {}, 0
for n, id in ipairs(ids) do
  if holders[n] == ARGV[2 * n] then
    held[#held + 1] = id
  elseif redis.call('HEXISTS', KEYS[5], id) == 1 then
    late = late + 1
    if redis.call('ZREM', KEYS[8], id) == 0 and redis.call('ZREM', KEYS[3], id) == 0 then
      if redis.call('LREM', KEYS[1], 1, id) == 0 then redis.call('LREM', KEYS[2], 1, id) end
    end
  end
end
if #held > 0 then chunked('ZREM', KEYS[3], held) end
chunked('HDEL', KEYS[4], ids)
chunked('HDEL', KEYS[5], ids)
chunked('HDEL', KEYS[6], ids)
chunked('HDEL', KEYS[7], ids)
return late
`,
  8,
);

/**
 * Retry later or dead-letter one event this claim holds; counts a failed attempt.
 * KEYS: 1 leases zset, 2 holders hash, 3 payloads hash, 4 attempts hash, 5 expiries hash, 6 delayed zset, 7 dead list
 * ARGV: 1 id, 2 claim token, 3 max attempts, 4 now ms, 5 retry base ms, 6 reason
 * Returns 'retrying', 'dead', or 'gone' when the claim no longer holds it (reaped; it is queued again).
 */
export const retryScript = new RedisScript(
  `${BURY}
local id = ARGV[1]
if redis.call('HGET', KEYS[2], id) ~= ARGV[2] then return 'gone' end
redis.call('ZREM', KEYS[1], id)
redis.call('HDEL', KEYS[2], id)
local attempts = redis.call('HINCRBY', KEYS[4], id, 1)
if attempts >= tonumber(ARGV[3]) then
  bury(id, ARGV[6], tonumber(ARGV[4]), KEYS[7], KEYS[3], KEYS[4], KEYS[5])
  return 'dead'
end
redis.call('ZADD', KEYS[6], tonumber(ARGV[4]) + tonumber(ARGV[5]) * 2 ^ (attempts - 1), id)
return 'retrying'
`,
  7,
);

/**
 * Dead-letter one event this claim holds at once (its payload is missing or not an event).
 * KEYS: 1 leases zset, 2 holders hash, 3 payloads hash, 4 attempts hash, 5 expiries hash, 6 dead list
 * ARGV: 1 id, 2 claim token, 3 reason, 4 now ms. Returns 1, or 0 when the claim no longer holds it.
 */
export const deadLetterScript = new RedisScript(
  `${BURY}
local id = ARGV[1]
if redis.call('HGET', KEYS[2], id) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], id)
redis.call('HDEL', KEYS[2], id)
bury(id, ARGV[3], tonumber(ARGV[4]), KEYS[6], KEYS[3], KEYS[4], KEYS[5])
return 1
`,
  6,
);

/**
 * Return events this claim holds to the head of the queue, in their given order, without counting anything.
 * KEYS: 1 ready list, 2 leases zset, 3 holders hash. ARGV: pairs (id, claim token), oldest first. Returns how many.
 */
export const releaseScript = new RedisScript(
  `
local released = 0
for i = #ARGV - 1, 1, -2 do
  local id = ARGV[i]
  if redis.call('HGET', KEYS[3], id) == ARGV[i + 1] then
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('LPUSH', KEYS[1], id)
    released = released + 1
  end
end
return released
`,
  3,
);

/**
 * Return events whose lease ran out (their worker stopped extending it: it died or hung) to the head of the queue in
 * sequence order, counting a lease expiry (not a failed attempt); an event past max expiries is dead-lettered. Items a
 * blocking claim moved to the handoff list but has not leased go back to the head too (their claimer died in between,
 * or gets nothing from leaseScript). Reads only the expired part of the leases zset, up to ARGV 4 ids per call.
 * KEYS: 1 ready list, 2 handoff list, 3 leases zset, 4 holders hash, 5 payloads hash, 6 attempts hash, 7 expiries hash,
 *       8 dead list
 * ARGV: 1 now ms, 2 max lease expiries, 3 dead-letter reason prefix, 4 limit
 * Returns {reaped, id, entry, expiries, ...}: how many leases were reaped, then each event dead-lettered.
 */
export const reapScript = new RedisScript(
  `${BURY}
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
table.sort(expired, function(a, b) return tonumber(a) < tonumber(b) end)
local result, requeue = {#expired}, {}
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  local expiries = redis.call('HINCRBY', KEYS[7], id, 1)
  if expiries >= tonumber(ARGV[2]) then
    local entry = bury(id, ARGV[3] .. ' ' .. expiries .. ' times', now, KEYS[8], KEYS[5], KEYS[6], KEYS[7])
    result[#result + 1] = id
    result[#result + 1] = entry
    result[#result + 1] = expiries
  else
    requeue[#requeue + 1] = id
  end
end
for i = #requeue, 1, -1 do redis.call('LPUSH', KEYS[1], requeue[i]) end
local handoff = redis.call('LRANGE', KEYS[2], 0, -1)
for i = #handoff, 1, -1 do
  redis.call('LREM', KEYS[2], 1, handoff[i])
  redis.call('LPUSH', KEYS[1], handoff[i])
end
return result
`,
  8,
);
