/**
 * Lua scripts for what Redis has no single command for. ioredis sends them by EVALSHA (loading
 * them on NOSCRIPT), and each runs atomically on the node that owns its keys.
 */
export const SCRIPTS = {
  /**
   * Compare-and-set on the stored bytes. ARGV: "1" when a value is expected (else the key must be
   * absent), the expected bytes, the new value, the TTL mode ("keep", "px" or "none"), the TTL in ms.
   */
  cachegenCas: {
    numberOfKeys: 1,
    lua: `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[4] == 'keep' then
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
elseif ARGV[4] == 'px' then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[3])
end
return 1`,
  },
  /** Deletes the key only while it holds exactly ARGV[1] (a lock released by its owner token). */
  cachegenDeleteIfEquals: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
  /** PERSIST, but 1 whenever the key exists (PERSIST answers 0 for a key without a TTL too). */
  cachegenPersist: {
    numberOfKeys: 1,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('PERSIST', KEYS[1])
return 1`,
  },
} as const;

/**
 * Sets every key to its value with its own TTL, atomically (MSET has no TTL). ARGV holds a TTL and
 * a value per key: TTL "0" for none, else milliseconds. Sent with EVAL,
 * not as a defined command: ioredis's cluster auto-pipelining routes a defined command with a
 * variable key count by its first argument (the count), not by its first key.
 */
export const SET_MANY = `
for i, key in ipairs(KEYS) do
  local ttl, value = ARGV[2 * i - 1], ARGV[2 * i]
  if ttl == '0' then redis.call('SET', key, value)
  else redis.call('SET', key, value, 'PX', ttl) end
end
return #KEYS`;
