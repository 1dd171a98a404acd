// Variants that rate-limit wrongly: refused attempts free, RATE_LIMITED
// charged, too small an allowance, an allowance that survives a reopen, a
// retry_after too short, remembered retries limited or charged.
import { CoHostErrorDetailSchema, CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { newServer } from "@cohost-kit/server/testing";
import type { DescMessage } from "@bufbuild/protobuf";
import type { UnaryResponse } from "@connectrpc/connect";
import { Code, ConnectError, onUnary, refusal, subOf, wrapped, type BrokenVariant } from "./tools.js";

const unlimited = { rateLimit: { burst: 1e9, refillPerSecond: 1e9 } };

/** A token bucket per room in front of an unlimited server (20 at once, 2 per second). */
function bucketLimiter(charge: "successes" | "every-attempt") {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return onUnary(["RequestHostConnection"], async (message, next) => {
    const room = String(message.liveId);
    const now = Date.now();
    const b = buckets.get(room) ?? { tokens: 20, at: now };
    b.tokens = Math.min(20, b.tokens + ((now - b.at) / 1000) * 2);
    b.at = now;
    buckets.set(room, b);
    const limited = b.tokens < 1;
    if (charge === "every-attempt") b.tokens -= 1;
    if (limited) throw refusal(Code.ResourceExhausted, CoHostErrorReason.RATE_LIMITED, "", Math.ceil(((1 - b.tokens) / 2) * 1000));
    const res = await next();
    if (charge === "successes") b.tokens -= 1;
    return res;
  });
}

/**
 * A request_id memory and a token bucket per room (20 at once, one more
 * every 5 s, so a loaded machine's stalls do not refill it) in front of an
 * unlimited server, with the memory consulted after the limit, or
 * remembered retries charged to the allowance.
 */
const REFILL = 0.2;

function memoryAndLimiter(mode: "limit-before-memory" | "charge-remembered") {
  const remembered = new Map<string, UnaryResponse<DescMessage, DescMessage>>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  return onUnary(["RequestHostConnection"], async (message, next, req) => {
    const key = message.requestId ? `${subOf(req.header.get("authorization"))}\n${String(message.requestId)}` : "";
    const prior = key ? remembered.get(key) : undefined;
    const room = String(message.liveId);
    const now = Date.now();
    const b = buckets.get(room) ?? { tokens: 20, at: now };
    b.tokens = Math.min(20, b.tokens + ((now - b.at) / 1000) * REFILL);
    b.at = now;
    buckets.set(room, b);
    if (prior && mode === "charge-remembered") {
      b.tokens -= 1;
      return prior;
    }
    if (b.tokens < 1)
      throw refusal(Code.ResourceExhausted, CoHostErrorReason.RATE_LIMITED, "", Math.ceil(((1 - b.tokens) / REFILL) * 1000));
    b.tokens -= 1;
    if (prior) return prior;
    const res = await next();
    if (key) remembered.set(key, res);
    return res;
  });
}

export const rateVariants: BrokenVariant[] = [
  {
    name: "rate-limit-checked-before-memory",
    breaks: "R18.order",
    make: () => newServer({ engine: unlimited, interceptors: [memoryAndLimiter("limit-before-memory")] }),
    caughtBy: ["rate-limit/rate-limit-remembered-retry-answered-and-free"],
  },
  {
    name: "remembered-retries-charged",
    breaks: "R19.counts",
    make: () => newServer({ engine: unlimited, interceptors: [memoryAndLimiter("charge-remembered")] }),
    caughtBy: ["rate-limit/rate-limit-remembered-retry-answered-and-free"],
  },
  {
    name: "refused-attempts-not-counted",
    breaks: "R19.counts",
    make: () => newServer({ engine: unlimited, interceptors: [bucketLimiter("successes")] }),
    caughtBy: ["rate-limit/rate-limit-refuses-floods"],
  },
  {
    name: "rate-limited-attempts-charged",
    breaks: "R19.counts",
    make: () => newServer({ engine: unlimited, interceptors: [bucketLimiter("every-attempt")] }),
    caughtBy: ["rate-limit/rate-limited-refusals-not-remembered-nor-charged"],
  },
  {
    name: "allowance-of-5",
    breaks: "R19.bounds",
    make: () => newServer({ engine: { rateLimit: { burst: 5, refillPerSecond: 1 } } }),
    caughtBy: ["rate-limit/rate-limit-refuses-floods", "multi-room/capacity-counts-pending-requests"],
  },
  {
    name: "allowance-survives-a-reopen",
    breaks: "R19.counts",
    // A room opened again starts with the empty allowance its last incarnation left.
    make: () =>
      wrapped({}, (server) => {
        const closed = new Set<string>();
        return [
          onUnary(["CloseRoom", "OpenRoom"], async (message, next, req) => {
            const res = await next();
            const liveId = String(message.liveId);
            if (req.method.name === "CloseRoom") closed.add(liveId);
            else if (closed.has(liveId)) {
              await server().store.transact((tx) => {
                const room = tx.getRoom(liveId);
                if (room) tx.putRoom({ ...room, bucket: { tokens: 0, updatedAt: tx.now } });
              });
            }
            return res;
          }),
        ];
      }),
    caughtBy: ["rate-limit/rate-limit-allowance-full-after-reopen"],
  },
  {
    name: "retry-after-of-one-millisecond",
    breaks: "R19.retry-after",
    // A slow refill (one attempt per 5 s, within the spec's bounds) keeps the room limited long after the
    // 1 ms it names, however slowly a loaded machine runs the case.
    make: () =>
      newServer({
        engine: { rateLimit: { burst: 20, refillPerSecond: 0.2 } },
        interceptors: [
          onUnary(["RequestHostConnection"], async (_m, next) => {
            try {
              return await next();
            } catch (err) {
              const e = ConnectError.from(err);
              if (e.findDetails(CoHostErrorDetailSchema)[0]?.reason !== CoHostErrorReason.RATE_LIMITED) throw err;
              throw refusal(e.code, CoHostErrorReason.RATE_LIMITED, "", 1);
            }
          }),
        ],
      }),
    caughtBy: ["rate-limit/rate-limit-refuses-floods"],
  },
];
