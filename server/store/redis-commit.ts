// A transition's writes as one Lua script, run inside MULTI/EXEC (so the
// WATCHed keys still guard it). The script first checks Redis's own clock
// against the commit's deadline: a commit the server already gave up on
// (Redis frozen, the call answered UNAVAILABLE) does nothing when Redis
// wakes up, instead of applying the abandoned write seconds later.
//
// It also keeps each user's request_id records within a quota (R18): an index
// per user, ordered by expiry, whose oldest records are deleted past the
// quota, so one user cannot push out another's.

import { createHash } from "node:crypto";

/** Writes in the order the script applies them. Keys are indexes into KEYS. */
export type CommitOp =
  | { op: "set"; key: string; value: string | Buffer }
  | { op: "del"; key: string }
  | { op: "zadd"; key: string; score: number; member: string }
  | { op: "zrem"; key: string; member: string }
  | { op: "sadd" | "srem"; key: string; member: string }
  | { op: "log"; key: string; message: Buffer; keep: number }
  | { op: "publish"; channel: string; message: string | Buffer }
  | { op: "remember"; key: string; record: string; ttlMs: number; index: string; max: number };

const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now > tonumber(ARGV[1]) then return 'expired' end
local i = 2
local function key() local k = KEYS[tonumber(ARGV[i])]; i = i + 1; return k end
local function arg() local a = ARGV[i]; i = i + 1; return a end
while i <= #ARGV do
  local op = arg()
  if op == 'set' then redis.call('SET', key(), arg())
  elseif op == 'del' then redis.call('DEL', key())
  elseif op == 'zadd' then local k = key(); local s = arg(); redis.call('ZADD', k, s, arg())
  elseif op == 'zrem' then local k = key(); redis.call('ZREM', k, arg())
  elseif op == 'sadd' then local k = key(); redis.call('SADD', k, arg())
  elseif op == 'srem' then local k = key(); redis.call('SREM', k, arg())
  elseif op == 'log' then
    local k = key(); local m = arg(); local keep = tonumber(arg())
    redis.call('RPUSH', k, m)
    redis.call('LTRIM', k, -keep, -1)
  elseif op == 'publish' then local c = arg(); redis.call('PUBLISH', c, arg())
  elseif op == 'remember' then
    local k = key(); local record = arg(); local ttl = tonumber(arg()); local index = key(); local max = tonumber(arg())
    redis.call('SET', k, record, 'PX', ttl)
    redis.call('ZADD', index, now + ttl, k)
    redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
    local n = redis.call('ZCARD', index)
    if n > max then
      for _, old in ipairs(redis.call('ZRANGE', index, 0, n - max - 1)) do redis.call('DEL', old) end
      redis.call('ZREMRANGEBYRANK', index, 0, n - max - 1)
    end
    redis.call('PEXPIRE', index, ttl)
  else
    return redis.error_reply('unknown commit op ' .. tostring(op))
  end
end
return 'ok'
`;

/** The commit script's SHA-1, for EVALSHA: Redis hashes and parses the script once, not per commit. */
export const COMMIT_SCRIPT_SHA = createHash("sha1").update(SCRIPT).digest("hex");

/** The script itself, for SCRIPT LOAD when Redis forgot it (restarted, flushed). */
export const COMMIT_SCRIPT = SCRIPT;

/** The EVALSHA arguments (key count, keys, then args) of a commit that must run before `deadline` (Redis ms). */
export function commitCommand(ops: CommitOp[], deadline: number): (string | number | Buffer)[] {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const ref = (key: string) => {
    let n = index.get(key);
    if (n === undefined) {
      keys.push(key);
      index.set(key, (n = keys.length));
    }
    return n;
  };
  const args: (string | number | Buffer)[] = [deadline];
  for (const o of ops) {
    switch (o.op) {
      case "set":
        args.push("set", ref(o.key), o.value);
        break;
      case "del":
        args.push("del", ref(o.key));
        break;
      case "zadd":
        args.push("zadd", ref(o.key), o.score, o.member);
        break;
      case "zrem":
      case "sadd":
      case "srem":
        args.push(o.op, ref(o.key), o.member);
        break;
      case "log":
        args.push("log", ref(o.key), o.message, o.keep);
        break;
      case "publish":
        args.push("publish", o.channel, o.message);
        break;
      case "remember":
        args.push("remember", ref(o.key), o.record, o.ttlMs, ref(o.index), o.max);
        break;
    }
  }
  return [keys.length, ...keys, ...args];
}

/** Redis TIME, in milliseconds. */
export function timeToMs([seconds, micros]: [string, string]): number {
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
