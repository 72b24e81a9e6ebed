/**
 * The Lua the engine runs in Redis. Every script is one atomic step: it finds (or creates)
 * the log, applies the history bounds, and then does its own work. They share one prologue.
 *
 * KEYS (all in one hash slot, `{prefix}:...`): 1 log (the stream), 2 meta (epoch, tag,
 * newest offset, bytes in history, the Redis run id the log was last adopted under),
 * 3 dedupe (key -> offset), 4 seq (topic -> sequence number), 5 topics (sorted set, topic ->
 * offset of its newest entry), 6 retained (topic -> "seq payload" once its newest entry left
 * history), 7 pruned (Bloom filter bits of topics whose state was dropped).
 *
 * ARGV 1-9, the same for every script: run id, candidate epoch and tag (used only when a new
 * log must be created), the engine's clock, historySize, historyTtlMs (-1: none),
 * historyBytes (-1: none), maxRetainedTopics, Bloom filter size in bits. Script arguments
 * follow from ARGV[10].
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
local MAX_RETAINED, FILTER_BITS = tonumber(ARGV[8]), tonumber(ARGV[9])

local function fmt(n) return string.format('%d', n) end

local function offset_of(id) return tonumber(string.match(id, '^(%d+)')) end

local function new_log()
  redis.call('DEL', LOG, META, DEDUPE, SEQ, TOPICS, RETAINED, PRUNED)
  -- An empty stream exists from now on, so a deleted stream is told from an empty one.
  redis.call('XGROUP', 'CREATE', LOG, 'sb-init', '$', 'MKSTREAM')
  redis.call('XGROUP', 'DESTROY', LOG, 'sb-init')
  redis.call('HSET', META, 'epoch', NEW_EPOCH, 'tag', NEW_TAG, 'offset', 0, 'bytes', 0, 'run', RUN)
  return { epoch = NEW_EPOCH, tag = NEW_TAG, offset = 0, bytes = 0, fresh = true }
end

local function read_meta()
  local m = redis.call('HMGET', META, 'epoch', 'tag', 'offset', 'bytes', 'run')
  if not m[1] or redis.call('EXISTS', LOG) == 0 then return nil end
  return { epoch = m[1], tag = m[2], offset = tonumber(m[3]), bytes = tonumber(m[4]), run = m[5] }
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

-- Drops the oldest entries while a bound is exceeded. The newest entry always stays, so an
-- acknowledged append is readable. A topic whose newest entry leaves keeps its last value in
-- RETAINED. Returns the number of entries left and the oldest offset still held (the newest
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
        redis.call('HSET', RETAINED, f[6], f[8] .. ' ' .. f[10])
      end
      last = offset
    end
    if last then start = fmt(last + 1) end
  end
  if last then
    redis.call('XTRIM', LOG, 'MINID', fmt(last + 1))
    redis.call('HSET', META, 'bytes', log.bytes)
  end
  if len == 0 then return 0, log.offset + 1 end
  if not first then
    first = offset_of(redis.call('XRANGE', LOG, '-', '+', 'COUNT', 1)[1][1])
  end
  return len, first
end

-- Drops the state of the least recently updated topics beyond history, past the bound.
local function prune(first)
  local beyond = redis.call('ZCOUNT', TOPICS, '-inf', '(' .. fmt(first))
  local pruned = 0
  while beyond > MAX_RETAINED do
    local topic = redis.call('ZPOPMIN', TOPICS)[1]
    redis.call('HDEL', SEQ, topic)
    redis.call('HDEL', RETAINED, topic)
    filter_add(topic)
    beyond = beyond - 1
    pruned = pruned + 1
  end
  return pruned
end

-- Bounds applied: returns entries held, topics with state, topics pruned, first held offset.
local function settle(log)
  local len, first = trim(log)
  local pruned = prune(first)
  return len, redis.call('ZCARD', TOPICS), pruned, first
end
`;

/**
 * ARGV 10 dedupe key, 11 topic, 12 payload. Replies
 * `{'ok', epoch, offset, seq, held, topics, pruned}` or, for a duplicate,
 * `{'dup', epoch, id, seq, payload, topic, held, topics, pruned}`.
 */
const APPEND = `
local log = open_log()
local key, topic, payload = ARGV[10], ARGV[11], ARGV[12]
local dup = redis.call('HGET', DEDUPE, key)
if dup then
  local found = redis.call('XRANGE', LOG, dup, dup)
  local f = found[1] and found[1][2]
  -- An original past the age bound is as good as trimmed (the trim below drops it).
  if f and not (TTL >= 0 and tonumber(f[4]) < NOW - TTL) then
    local held, topics, pruned = settle(log)
    return { 'dup', log.epoch, found[1][1], f[8], f[10], f[6], held, topics, pruned }
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
redis.call('HDEL', RETAINED, topic)
log.offset = offset
log.bytes = log.bytes + #key + #topic + #payload
redis.call('HSET', META, 'offset', offset, 'bytes', log.bytes)
local held, topics, pruned = settle(log)
return { 'ok', log.epoch, offset, seq, held, topics, pruned }
`;

/**
 * ARGV 10 after, 11 count. Replies `{epoch, tag, head, first held, held, topics, pruned,
 * entries}` with at most `count` entries in (after, head].
 */
const READ = `
local log = open_log()
local held, topics, pruned, first = settle(log)
local after = tonumber(ARGV[10])
local entries = {}
if after < log.offset then
  entries = redis.call('XRANGE', LOG, fmt(after + 1), fmt(log.offset), 'COUNT', ARGV[11])
end
return { log.epoch, log.tag, log.offset, first, held, topics, pruned, entries }
`;

/**
 * ARGV 10... topics. Replies `{epoch, held, topics, pruned, values}`, a value being
 * `{topic, offset, seq, payload}` for each topic that still has state.
 */
const VALUES = `
local log = open_log()
local held, topics, pruned, first = settle(log)
local values = {}
for i = 10, #ARGV do
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
return { log.epoch, held, topics, pruned, values }
`;

/** The reader's check before each blocking read: `{epoch, tag, head}`, no bounds applied. */
const PEEK = `
local log = open_log()
return { log.epoch, log.tag, log.offset }
`;

/**
 * Run once per Redis server process a node meets (at connect and after every reconnect).
 * ARGV 10 '1' when the node trusts this server to have kept every entry it delivered,
 * 11 the epoch the node is in ('' for none), 12 the highest offset it knows of in it.
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
local behind = log.epoch == ARGV[11] and log.offset < tonumber(ARGV[12])
if ARGV[10] == '1' and not behind then
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
