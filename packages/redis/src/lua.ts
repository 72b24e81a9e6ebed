/**
 * The Lua the engine runs in Redis. Every script is one atomic step: it finds (or creates)
 * the log, applies the history bounds, and then does its own work. They share one prologue.
 *
 * KEYS (all in one hash slot, `{prefix}:...`): 1 log (the stream), 2 meta (epoch, tag,
 * newest offset, bytes in history, bytes retained, the Redis run id the log was last
 * adopted under),
 * 3 dedupe (key -> offset), 4 seq (topic -> sequence number), 5 topics (sorted set, topic ->
 * offset of its newest entry), 6 retained (topic -> "seq payload" once its newest entry left
 * history), 7 pruned (Bloom filter bits of topics whose state was dropped).
 *
 * ARGV 1-10, the same for every script: run id, candidate epoch and tag (used only when a new
 * log must be created), the engine's clock, historySize, historyTtlMs (-1: none),
 * historyBytes (-1: none), maxRetainedTopics, Bloom filter size in bits, retainedBytes
 * (-1: none). Script arguments follow from ARGV[11].
 *
 * Bytes are Redis string lengths: an entry in history counts its dedupe key, topic and
 * payload; a retained value its topic and stored `seq payload`.
 *
 * A stream entry's id is `<offset>-<tag>`: XRANGE by offset is direct, and a reader can tell
 * an entry of another epoch (another tag) by its id alone. Its fields are, in this order,
 * k (dedupe key), a (the engine's clock at append), t (topic), s (sequence number),
 * e (the payload JSON the node built: id, data, timestamp, publisherId).
 */
const PROLOGUE = `
local LOG, META, DEDUPE, SEQ, TOPICS, RETAINED, PRUNED =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local RUN, NEW_EPOCH, NEW_TAG = ARGV[1], ARGV[2], ARGV[3]
local NOW, MAX_LEN, TTL, MAX_BYTES = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local MAX_RETAINED, FILTER_BITS, MAX_RBYTES = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])

local function fmt(n) return string.format('%d', n) end

local function offset_of(id) return tonumber(string.match(id, '^(%d+)')) end

local function new_log()
  redis.call('DEL', LOG, META, DEDUPE, SEQ, TOPICS, RETAINED, PRUNED)
  -- An empty stream exists from now on, so a deleted stream is told from an empty one.
  redis.call('XGROUP', 'CREATE', LOG, 'sb-init', '$', 'MKSTREAM')
  redis.call('XGROUP', 'DESTROY', LOG, 'sb-init')
  redis.call('HSET', META, 'epoch', NEW_EPOCH, 'tag', NEW_TAG, 'offset', 0, 'bytes', 0,
    'rbytes', 0, 'run', RUN)
  return { epoch = NEW_EPOCH, tag = NEW_TAG, offset = 0, bytes = 0, rbytes = 0, dropped = 0, fresh = true }
end

-- A log from before retained values were counted has no rbytes: they count from 0 (and
-- never below), so values stored before are under the bound until they are replaced.
local function read_meta()
  local m = redis.call('HMGET', META, 'epoch', 'tag', 'offset', 'bytes', 'run', 'rbytes')
  if not m[1] or redis.call('EXISTS', LOG) == 0 then return nil end
  return { epoch = m[1], tag = m[2], offset = tonumber(m[3]), bytes = tonumber(m[4]), run = m[5],
    rbytes = tonumber(m[6]) or 0, dropped = 0 }
end

-- The log, created when its stream or meta is gone (history lost: a new epoch). A log last
-- adopted under another Redis process is refused: the node must check it first (adopt).
local function open_log()
  local log = read_meta()
  if not log then return new_log() end
  if log.run ~= RUN then error('SBSTALE the Redis server changed since this node checked the log') end
  return log
end

local function filter_bits(topic)
  local h = redis.sha1hex(topic)
  local bits = {}
  for i = 0, 4 do bits[i + 1] = tonumber(string.sub(h, i * 8 + 1, i * 8 + 8), 16) % FILTER_BITS end
  return bits
end

local function filter_add(topic)
  for _, bit in ipairs(filter_bits(topic)) do redis.call('SETBIT', PRUNED, bit, 1) end
end

local function filter_has(topic)
  for _, bit in ipairs(filter_bits(topic)) do
    if redis.call('GETBIT', PRUNED, bit) == 0 then return false end
  end
  return true
end

-- Removes a topic's retained value, if it has one, from the count.
local function unretain(log, topic)
  local had = redis.call('HSTRLEN', RETAINED, topic)
  if had == 0 then return end
  redis.call('HDEL', RETAINED, topic)
  log.rbytes = math.max(0, log.rbytes - #topic - had)
end

-- Drops a topic's state: its counter and last value go, the filter remembers it.
local function drop_topic(log, topic)
  redis.call('HDEL', SEQ, topic)
  unretain(log, topic)
  filter_add(topic)
end

-- The newest entry of a topic left history: keep its value, unless it is larger than the
-- whole bound on its own (it would push out every other value and then itself).
local function retain(log, topic, value)
  if MAX_RBYTES >= 0 and #topic + #value > MAX_RBYTES then
    redis.call('ZREM', TOPICS, topic)
    drop_topic(log, topic)
    log.dropped = log.dropped + 1
    return
  end
  redis.call('HSET', RETAINED, topic, value)
  log.rbytes = log.rbytes + #topic + #value
end

-- Drops the oldest entries while a bound is exceeded. The newest entry always stays, so an
-- acknowledged append is readable. A topic whose newest entry leaves keeps its last value in
-- RETAINED (see retain). Returns the number of entries left and the oldest offset still held (the newest
-- plus one when history is empty).
local function trim(log)
  local len = redis.call('XLEN', LOG)
  local cutoff = nil
  if TTL >= 0 then cutoff = NOW - TTL end
  local last = nil
  local first = nil
  local start = '-'
  while len > 0 and not first do
    -- Nothing can be over a bound: no need to look at the oldest entry.
    if len <= MAX_LEN and cutoff == nil and (MAX_BYTES < 0 or log.bytes <= MAX_BYTES) then break end
    -- One more than the count bound drops, to learn the oldest offset that stays.
    local want = math.min(math.max(len - MAX_LEN + 1, 1), 100)
    local batch = redis.call('XRANGE', LOG, start, '+', 'COUNT', want)
    if #batch == 0 then break end
    for i = 1, #batch do
      local id, f = batch[i][1], batch[i][2]
      local offset = offset_of(id)
      local over = len > MAX_LEN
        or (len > 1 and MAX_BYTES >= 0 and log.bytes > MAX_BYTES)
        or (cutoff ~= nil and tonumber(f[4]) < cutoff)
      if not over then first = offset break end
      len = len - 1
      log.bytes = log.bytes - (#f[2] + #f[6] + #f[10])
      redis.call('HDEL', DEDUPE, f[2])
      if tonumber(redis.call('ZSCORE', TOPICS, f[6])) == offset then
        retain(log, f[6], f[8] .. ' ' .. f[10])
      end
      last = offset
    end
    if last then start = fmt(last + 1) end
  end
  if last then
    redis.call('XTRIM', LOG, 'MINID', fmt(last + 1))
    redis.call('HSET', META, 'bytes', log.bytes, 'rbytes', log.rbytes)
  end
  if len == 0 then return 0, log.offset + 1 end
  if not first then
    first = offset_of(redis.call('XRANGE', LOG, '-', '+', 'COUNT', 1)[1][1])
  end
  return len, first
end

-- Drops the state of the least recently updated topics beyond history, past the bounds.
local function prune(log, first)
  local beyond = redis.call('ZCOUNT', TOPICS, '-inf', '(' .. fmt(first))
  local pruned = 0
  while beyond > MAX_RETAINED or (beyond > 0 and MAX_RBYTES >= 0 and log.rbytes > MAX_RBYTES) do
    drop_topic(log, redis.call('ZPOPMIN', TOPICS)[1])
    beyond = beyond - 1
    pruned = pruned + 1
  end
  if pruned > 0 then redis.call('HSET', META, 'rbytes', log.rbytes) end
  return pruned
end

-- Bounds applied: returns entries held, topics with state, topics pruned, first held offset
-- (log.bytes and log.rbytes are the bytes held in history and retained).
local function settle(log)
  local len, first = trim(log)
  local pruned = prune(log, first) + log.dropped
  log.dropped = 0
  return len, redis.call('ZCARD', TOPICS), pruned, first
end
`;

/**
 * ARGV 11 dedupe key, 12 topic, 13 payload. Replies
 * `{'ok', epoch, offset, seq, held, topics, pruned, bytes, rbytes}` or, for a duplicate,
 * `{'dup', epoch, id, seq, payload, topic, held, topics, pruned, bytes, rbytes}`.
 */
const APPEND = `
local log = open_log()
local key, topic, payload = ARGV[11], ARGV[12], ARGV[13]
local dup = redis.call('HGET', DEDUPE, key)
if dup then
  local found = redis.call('XRANGE', LOG, dup, dup)
  local f = found[1] and found[1][2]
  -- An original past the age bound is as good as trimmed (the trim below drops it).
  if f and not (TTL >= 0 and tonumber(f[4]) < NOW - TTL) then
    local held, topics, pruned = settle(log)
    return { 'dup', log.epoch, found[1][1], f[8], f[10], f[6], held, topics, pruned, log.bytes, log.rbytes }
  end
  -- The original is past the age bound: drop it (and its key) before appending anew.
  trim(log)
end
local offset = log.offset + 1
local seq = redis.call('HINCRBY', SEQ, topic, 1)
-- A topic without state that may have had some before continues above every number it had.
if seq == 1 and filter_has(topic) then
  seq = offset
  redis.call('HSET', SEQ, topic, seq)
end
redis.call('XADD', LOG, fmt(offset) .. '-' .. log.tag,
  'k', key, 'a', ARGV[4], 't', topic, 's', seq, 'e', payload)
redis.call('HSET', DEDUPE, key, offset)
redis.call('ZADD', TOPICS, offset, topic)
-- Its value is in history again, counted there.
unretain(log, topic)
log.offset = offset
log.bytes = log.bytes + #key + #topic + #payload
redis.call('HSET', META, 'offset', offset, 'bytes', log.bytes, 'rbytes', log.rbytes)
local held, topics, pruned = settle(log)
return { 'ok', log.epoch, offset, seq, held, topics, pruned, log.bytes, log.rbytes }
`;

/**
 * ARGV 11 after, 12 count. Replies `{epoch, tag, head, first held, held, topics, pruned,
 * entries, bytes, rbytes}` with at most `count` entries in (after, head].
 */
const READ = `
local log = open_log()
local held, topics, pruned, first = settle(log)
local after = tonumber(ARGV[11])
local entries = {}
if after < log.offset then
  entries = redis.call('XRANGE', LOG, fmt(after + 1), fmt(log.offset), 'COUNT', ARGV[12])
end
return { log.epoch, log.tag, log.offset, first, held, topics, pruned, entries, log.bytes, log.rbytes }
`;

/**
 * ARGV 11... topics. Replies `{epoch, held, topics, pruned, values, bytes, rbytes}`, a value
 * being `{topic, offset, seq, payload}` for each topic that still has state.
 */
const VALUES = `
local log = open_log()
local held, topics, pruned, first = settle(log)
local values = {}
for i = 11, #ARGV do
  local topic = ARGV[i]
  local score = redis.call('ZSCORE', TOPICS, topic)
  if score then
    local offset = tonumber(score)
    if offset >= first then
      local e = redis.call('XRANGE', LOG, fmt(offset), fmt(offset))
      if #e > 0 then table.insert(values, { topic, offset, e[1][2][8], e[1][2][10] }) end
    else
      local v = redis.call('HGET', RETAINED, topic)
      if v then
        local space = string.find(v, ' ', 1, true)
        table.insert(values, { topic, offset, string.sub(v, 1, space - 1), string.sub(v, space + 1) })
      end
    end
  end
end
return { log.epoch, held, topics, pruned, values, log.bytes, log.rbytes }
`;

/** The reader's check before each blocking read: `{epoch, tag, head}`, no bounds applied. */
const PEEK = `
local log = open_log()
return { log.epoch, log.tag, log.offset }
`;

/**
 * Run once per Redis server process a node meets (at connect and after every reconnect).
 * ARGV 11 '1' when the node trusts this server to have kept every entry it delivered,
 * 12 the epoch the node is in ('' for none), 13 the highest offset it knows of in it.
 * Keeps the log when it is trusted and not behind what the node saw; otherwise starts a new
 * epoch, since entries may be missing and their offsets would be given out again.
 * Replies `{epoch, tag, head, outcome}`, outcome one of same, kept, created, reset.
 */
const ADOPT = `
local log = read_meta()
if not log then
  log = new_log()
  return { log.epoch, log.tag, log.offset, 'created' }
end
if log.run == RUN then return { log.epoch, log.tag, log.offset, 'same' } end
local behind = log.epoch == ARGV[12] and log.offset < tonumber(ARGV[13])
if ARGV[11] == '1' and not behind then
  redis.call('HSET', META, 'run', RUN)
  return { log.epoch, log.tag, log.offset, 'kept' }
end
log = new_log()
return { log.epoch, log.tag, log.offset, 'reset' }
`;

export const SCRIPTS = {
  sbAppend: PROLOGUE + APPEND,
  sbRead: PROLOGUE + READ,
  sbValues: PROLOGUE + VALUES,
  sbPeek: PROLOGUE + PEEK,
  sbAdopt: PROLOGUE + ADOPT,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

export const KEY_COUNT = 7;
