// Deliberately broken variants of the reference server. The self-test runs
// the suite against each and demands that it fails (the cases a variant
// names in `caughtBy`, each of them): a suite that cannot fail proves
// nothing. Every variant is built from outside the
// server, from its public API (interceptors around the services, calls on
// its core, configuration), so no fault lives in production code. Add a
// variant whenever a rule gets a case.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import {
  CoHostErrorReason,
  RequestHostConnectionResponseSchema,
  SeatUserInfoSchema,
  type CoHostEvent,
  type RequestHostConnectionRequest,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken, type CoHostServer } from "@cohost-kit/server";
import { newServer, TEST_SECRET } from "@cohost-kit/server/testing";
import { authVariants } from "./variants-auth.js";
import { boundsVariants } from "./variants-bounds.js";
import { closureVariants } from "./variants-closure.js";
import { feedVariants } from "./variants-feed.js";
import { fieldVariants } from "./variants-fields.js";
import { idempotencyVariants } from "./variants-idempotency.js";
import { orderVariants } from "./variants-order.js";
import { pagingVariants } from "./variants-paging.js";
import { rateVariants } from "./variants-rate.js";
import { refusalVariants } from "./variants-refusals.js";
import { roomVariants } from "./variants-rooms.js";
import { timeVariants } from "./variants-time.js";
import { onWatch, reasonOf, unaryOf, wrapped, type BrokenVariant } from "./tools.js";

export type { BrokenVariant } from "./tools.js";

/** Answers a RequestHostConnection refused with `reason` as if it had succeeded (and does nothing). */
function pretendRequestSucceeds(reason: CoHostErrorReason | "self", server: () => CoHostServer): Interceptor {
  return (next) => async (req) => {
    if (req.stream || req.method.name !== "RequestHostConnection") return next(req);
    const message = req.message as unknown as RequestHostConnectionRequest;
    const fake = async () => {
      const room = await server().core.readRoom(message.liveId);
      return unaryOf(
        req,
        create(RequestHostConnectionResponseSchema, {
          deadline: timestampFromMs(Date.now() + message.timeoutSeconds * 1000),
          position: { epoch: room?.position.epoch ?? "", sequence: BigInt(room?.position.sequence ?? 0) },
        }) as never,
      );
    };
    if (reason === "self" && message.targetHostLiveId === message.liveId) return fake();
    try {
      return await next(req);
    } catch (err) {
      if (reason !== "self" && reasonOf(err) === reason) return fake();
      throw err;
    }
  };
}

/** Strips every error detail: refusals lose their machine-readable reason. */
const stripDetails: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (err) {
    const e = ConnectError.from(err);
    throw new ConnectError(e.rawMessage, e.code);
  }
};

/** Drops request_id, so retries act twice. */
const ignoreRequestId: Interceptor = (next) => async (req) => {
  const message = req.message as { requestId?: string };
  if (!req.stream && typeof message.requestId === "string") message.requestId = "";
  return next(req);
};

/** Lists the caller's own room among its candidates. */
const candidatesIncludeCaller: Interceptor = (next) => async (req) => {
  const res = await next(req);
  if (!res.stream && req.method.name === "GetCoHostCandidates") {
    const liveId = (req.message as unknown as { liveId: string }).liveId;
    (res.message as unknown as { candidates: unknown[] }).candidates.unshift(create(SeatUserInfoSchema, { liveId, userId: "x" }));
  }
  return res;
};

/** Swaps an expired host token for a fresh one of the same user before the server sees it. */
const acceptExpiredTokens: Interceptor = (next) => async (req) => {
  const token = /^Bearer (\S+)$/.exec(req.header.get("authorization") ?? "")?.[1];
  const payload = token?.split(".")[1];
  if (payload) {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { sub?: string; exp?: number };
    if (claims.sub && claims.exp !== undefined && claims.exp * 1000 <= Date.now()) {
      req.header.set("authorization", `Bearer ${await mintHostToken(TEST_SECRET, claims.sub)}`);
    }
  }
  return next(req);
};

/** The invitee's feed loses its request_timeout events (the state still changes). */
const timeoutNotifiesInviterOnly = onWatch(async function* (request, messages) {
  for await (const m of messages) {
    yield {
      ...m,
      events: m.events.filter((e) => !(e.event.case === "requestTimeout" && e.event.value.invitee?.liveId === request().liveId)),
    };
  }
});

/** When one of a room's requests times out, its other requests are cancelled too. */
function timeoutClearsAllInvitees(server: () => CoHostServer): Interceptor {
  return onWatch(async function* (request, messages) {
    for await (const m of messages) {
      yield m;
      const liveId = request().liveId;
      const timedOut = m.events.some((e: CoHostEvent) => e.event.case === "requestTimeout" && e.event.value.inviter?.liveId === liveId);
      if (!timedOut) continue;
      const room = await server().core.readRoom(liveId);
      for (const pending of room?.outgoing ?? []) {
        await server().core.cancelConnection(room!.host.userId, liveId, pending.to.liveId);
      }
    }
  });
}

/** A resumed stream skips the first missed CHANGE. */
const resumeDropsMessage = onWatch(async function* (request, messages) {
  let dropped: boolean | undefined;
  for await (const m of messages) {
    dropped ??= !request().resumeEpoch;
    if (!dropped && m.state) {
      dropped = true;
      continue;
    }
    yield m;
  }
});

/** An exit also removes every other member: the connection dissolves. */
function exitDissolvesConnection(server: () => CoHostServer): Interceptor {
  return (next) => async (req) => {
    if (req.stream || req.method.name !== "ExitHostConnection") return next(req);
    const liveId = (req.message as unknown as { liveId: string }).liveId;
    const before = await server().core.readRoom(liveId);
    const res = await next(req);
    const others = (before?.connectedLiveIds ?? []).filter((id) => id !== liveId);
    if (others.length > 1) {
      for (const other of others) {
        const room = await server().core.readRoom(other);
        if (room && room.state.connected.length > 0) await server().core.exitConnection(room.host.userId, other);
      }
    }
    return res;
  };
}

/** The variants from before the MUST list; each runs the whole suite. */
const firstVariants: BrokenVariant[] = [
  { name: "timeout-notifies-inviter-only", breaks: "R7", make: () => newServer({ interceptors: [timeoutNotifiesInviterOnly] }) },
  { name: "timeout-clears-all-invitees", breaks: "R7", make: () => wrapped({}, (s) => [timeoutClearsAllInvitees(s)]) },
  { name: "self-request-accepted", breaks: "R5", make: () => wrapped({}, (s) => [pretendRequestSucceeds("self", s)]) },
  {
    name: "busy-target-accepted",
    breaks: "R5",
    make: () => wrapped({}, (s) => [pretendRequestSucceeds(CoHostErrorReason.TARGET_BUSY, s)]),
  },
  {
    name: "capacity-not-enforced",
    breaks: "R6",
    make: () => wrapped({}, (s) => [pretendRequestSucceeds(CoHostErrorReason.CONNECTION_FULL, s)]),
  },
  { name: "exit-dissolves-connection", breaks: "R12", make: () => wrapped({}, (s) => [exitDissolvesConnection(s)]) },
  { name: "resume-drops-message", breaks: "R16", make: () => newServer({ interceptors: [resumeDropsMessage] }) },
  { name: "missing-reason-detail", breaks: "R5", make: () => newServer({ interceptors: [stripDetails] }) },
  { name: "expired-tokens-accepted", breaks: "R2", make: () => newServer({ interceptors: [acceptExpiredTokens] }) },
  { name: "request-id-ignored", breaks: "R18", make: () => newServer({ interceptors: [ignoreRequestId] }) },
  { name: "rate-limit-disabled", breaks: "R19", make: () => newServer({ engine: { rateLimit: { burst: 1e9, refillPerSecond: 1e9 } } }) },
  { name: "candidates-include-caller", breaks: "R17", make: () => newServer({ interceptors: [candidatesIncludeCaller] }) },
];

export const brokenVariants: BrokenVariant[] = [
  ...firstVariants,
  ...refusalVariants,
  ...fieldVariants,
  ...orderVariants,
  ...authVariants,
  ...feedVariants,
  ...timeVariants,
  ...idempotencyVariants,
  ...rateVariants,
  ...pagingVariants,
  ...boundsVariants,
  ...roomVariants,
  ...closureVariants,
];
