// Deliberately broken variants of the reference server. The self-test runs
// the suite against each and demands that at least one case fails: a suite
// that cannot fail proves nothing. Every variant is built from outside the
// server, from its public API (interceptors around the services, calls on
// its core, configuration), so no fault lives in production code. Add a
// variant whenever a rule gets a case.
import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ConnectError, type Interceptor, type StreamResponse, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import {
  CoHostErrorDetailSchema,
  CoHostErrorReason,
  RequestHostConnectionResponseSchema,
  SeatUserInfoSchema,
  type CoHostEvent,
  type RequestHostConnectionRequest,
  type WatchCoHostRequest,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken, type CoHostServer, type CoHostServerOptions } from "@cohost-kit/server";
import { newServer, TEST_SECRET } from "@cohost-kit/server/testing";

export interface BrokenVariant {
  name: string;
  /** The rule the variant breaks. */
  breaks: string;
  make(): CoHostServer;
}

/** A server whose interceptors may reach the server itself (for calls on its core). */
function wrapped(options: Partial<CoHostServerOptions>, interceptors: (server: () => CoHostServer) => Interceptor[]): CoHostServer {
  const box: { server?: CoHostServer } = {};
  box.server = newServer({ ...options, interceptors: interceptors(() => box.server!) });
  return box.server;
}

function unaryOf<I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>, res: MessageShape<O>): UnaryResponse<I, O> {
  return { stream: false, service: req.service, method: req.method, header: new Headers(), trailer: new Headers(), message: res };
}

/**
 * Replaces the message stream of WatchCoHost calls. Server-streaming calls
 * reach interceptors as streams, so the request message is captured as the
 * handler reads it; `request()` is valid once the first response arrived.
 */
function onWatch(
  rewrite: (request: () => WatchCoHostRequest, messages: AsyncIterable<WatchCoHostResponse>) => AsyncIterable<WatchCoHostResponse>,
): Interceptor {
  return (next) => async (req) => {
    if (!req.stream || req.method.name !== "WatchCoHost") return next(req);
    let captured: WatchCoHostRequest | undefined;
    const input = req.message as AsyncIterable<WatchCoHostRequest>;
    const res = await next({
      ...req,
      message: (async function* () {
        for await (const m of input) yield (captured = m);
      })(),
    } as typeof req);
    const request = () => captured!;
    return { ...res, message: rewrite(request, res.message as AsyncIterable<WatchCoHostResponse>) } as StreamResponse<
      DescMessage,
      DescMessage
    >;
  };
}

function reasonOf(err: unknown): CoHostErrorReason | undefined {
  return ConnectError.from(err).findDetails(CoHostErrorDetailSchema)[0]?.reason;
}

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

export const brokenVariants: BrokenVariant[] = [
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
