import { RedisScript } from './redis-script.ts';

// Every multi-key change of the Redis queue is one of these scripts, so a crash between two commands cannot
// lose or duplicate an event. Entries are the JSON strings of the events; the attempt count of an entry lives
// in a hash keyed by the entry itself, so scripts never decode JSON.

/**
 * Enqueue all or nothing.
 * KEYS: 1 ready list, 2 dedupe zset (id -> expiry ms), 3 sequence counter, 4 sequences hash (entry -> sequence)
 * ARGV: 1 max size, 2 now ms, 3 dedupe window ms, then pairs (event id, entry)
 * Returns {queued, duplicates}, or {-1, size} when the batch does not fit.
 */
export const enqueueScript = new RedisScript(
  `
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
local expiry = now + tonumber(ARGV[3])
for _, i in ipairs(fresh) do
  redis.call('ZADD', KEYS[2], expiry, ARGV[i])
  redis.call('HSET', KEYS[4], ARGV[i + 1], redis.call('INCR', KEYS[3]))
  redis.call('RPUSH', KEYS[1], ARGV[i + 1])
end
return {#fresh, duplicates}
`,
  4,
);

/**
 * Claim up to N entries, oldest first, after promoting due retries.
 * KEYS: 1 ready list, 2 processing list, 3 leases zset (entry -> expiry ms), 4 delayed zset, 5 attempts hash,
 *       6 sequences hash
 * ARGV: 1 max, 2 now ms, 3 lease ms
 * Returns a flat array: entry, attempts, sequence (0 when unknown), entry, attempts, sequence, ...
 */
export const claimScript = new RedisScript(
  `
local now = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 1000)
for _, entry in ipairs(due) do
  redis.call('ZREM', KEYS[4], entry)
  redis.call('RPUSH', KEYS[1], entry)
end
local expiry = now + tonumber(ARGV[3])
local out = {}
for _ = 1, tonumber(ARGV[1]) do
  local entry = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  if not entry then break end
  redis.call('ZADD', KEYS[3], expiry, entry)
  out[#out + 1] = entry
  out[#out + 1] = redis.call('HGET', KEYS[5], entry) or '0'
  out[#out + 1] = redis.call('HGET', KEYS[6], entry) or '0'
end
return out
`,
  6,
);

/**
 * Put a lease on an entry that BLMOVE already moved to the processing list.
 * KEYS: 1 leases zset, 2 attempts hash, 3 sequences hash. ARGV: 1 entry, 2 expiry ms.
 * Returns {attempts, sequence (0 when unknown)}.
 */
export const leaseScript = new RedisScript(
  `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return {redis.call('HGET', KEYS[2], ARGV[1]) or '0', redis.call('HGET', KEYS[3], ARGV[1]) or '0'}
`,
  3,
);

/**
 * Acknowledge entries.
 * KEYS: 1 processing list, 2 leases zset, 3 attempts hash, 4 sequences hash. ARGV: entries. Returns how many were still held.
 */
export const ackScript = new RedisScript(
  `
local held = 0
for _, entry in ipairs(ARGV) do
  held = held + redis.call('LREM', KEYS[1], 1, entry)
  redis.call('ZREM', KEYS[2], entry)
  redis.call('HDEL', KEYS[3], entry)
  redis.call('HDEL', KEYS[4], entry)
end
return held
`,
  4,
);

/**
 * Retry later or dead-letter one entry.
 * KEYS: 1 processing list, 2 leases zset, 3 attempts hash, 4 delayed zset, 5 dead list
 * ARGV: 1 entry, 2 max attempts, 3 now ms, 4 retry base ms, 5 dead-letter record (JSON)
 * Returns 'retrying', 'dead', or 'gone' when the lease had already expired and the entry was requeued.
 */
export const retryScript = new RedisScript(
  `
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 'gone' end
redis.call('ZREM', KEYS[2], ARGV[1])
local attempts = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
if attempts >= tonumber(ARGV[2]) then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('RPUSH', KEYS[5], ARGV[5])
  return 'dead'
end
redis.call('ZADD', KEYS[4], tonumber(ARGV[3]) + tonumber(ARGV[4]) * 2 ^ (attempts - 1), ARGV[1])
return 'retrying'
`,
  5,
);

/**
 * Dead-letter one held entry at once (it could not be parsed).
 * KEYS: 1 processing list, 2 leases zset, 3 attempts hash, 4 dead list. ARGV: 1 entry, 2 dead-letter record (JSON)
 */
export const deadLetterScript = new RedisScript(
  `
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('RPUSH', KEYS[4], ARGV[2])
return 1
`,
  4,
);

/**
 * Return held entries to the head of the queue, in their original order, without counting an attempt.
 * KEYS: 1 ready list, 2 processing list, 3 leases zset. ARGV: entries, oldest first.
 */
export const releaseScript = new RedisScript(
  `
for i = #ARGV, 1, -1 do
  if redis.call('LREM', KEYS[2], 1, ARGV[i]) > 0 then
    redis.call('ZREM', KEYS[3], ARGV[i])
    redis.call('LPUSH', KEYS[1], ARGV[i])
  end
end
return 1
`,
  3,
);

/**
 * Return entries whose lease expired to the head of the queue (their consumer died), counting an attempt,
 * and give a grace lease to entries a consumer moved with BLMOVE but had not leased yet.
 * KEYS: 1 ready list, 2 processing list, 3 leases zset, 4 attempts hash, 5 dead list
 * ARGV: 1 now ms, 2 lease ms, 3 max attempts
 * Returns {reaped, entry, attempts, ...}: how many entries were reaped, then each one dead-lettered with its attempts.
 */
export const reapScript = new RedisScript(
  `
local now = tonumber(ARGV[1])
local held = redis.call('LRANGE', KEYS[2], 0, -1)
local reaped = 0
-- {reaped, entry, attempts, entry, attempts, ...}; [1] is filled in at the end
local result = {0}
-- newest first, so LPUSH leaves the reaped entries at the head in their original order
for i = #held, 1, -1 do
  local entry = held[i]
  local expiry = redis.call('ZSCORE', KEYS[3], entry)
  if not expiry then
    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), entry)
  elseif tonumber(expiry) <= now then
    reaped = reaped + 1
    redis.call('ZREM', KEYS[3], entry)
    redis.call('LREM', KEYS[2], 1, entry)
    local attempts = redis.call('HINCRBY', KEYS[4], entry, 1)
    if attempts >= tonumber(ARGV[3]) then
      redis.call('HDEL', KEYS[4], entry)
      redis.call('RPUSH', KEYS[5], cjson.encode({entry = entry, reason = 'lease expired ' .. attempts .. ' times', failed_at = now}))
      table.insert(result, entry)
      table.insert(result, attempts)
    else
      redis.call('LPUSH', KEYS[1], entry)
    end
  end
end
result[1] = reaped
return result
`,
  5,
);
