// CoHostService on the generated stubs. Thin on purpose: authenticate (R2),
// validate (R5 step 2), hand the call to the engine, map its outcome. No
// rule is decided here.
import { createHash } from "node:crypto";
import { create, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createContextKey, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import {
  AcceptHostConnectionRequestSchema,
  CancelHostConnectionRequestSchema,
  type CoHostService,
  ExitHostConnectionRequestSchema,
  FeedPositionSchema,
  RejectHostConnectionRequestSchema,
  RequestHostConnectionRequestSchema,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Clock, Scheduler } from "../clock.js";
import type { CoHostCore } from "../core.js";
import type { FeedPosition, IdempotencyKey } from "../engine/engine.js";
import type { Outcome } from "../engine/refusal.js";
import type { FeedMetrics } from "../metrics/server-metrics.js";
import { watchRoom, type WatchOptions } from "../feed/watch.js";
import { decodeCursor, encodeCursor, isViolation } from "./cursor.js";
import { throwIfInvalid, unwrapOutcome } from "./errors.js";
import { connectionKey, type StreamGate } from "./stream-gate.js";
import { checkId, checkLayout, checkOptionalId, checkRange, checkText, firstViolation, limits } from "./validation.js";

/** The authenticated caller's user id, set by the host auth interceptor. */
export const callerKey = createContextKey<string>("", { description: "authenticated host user id" });

export interface CoHostServiceDeps {
  core: CoHostCore;
  clock: Clock & Scheduler;
  watch: WatchOptions;
  /** Aborts every open stream when the server shuts down. */
  shutdown: AbortSignal;
  metrics: FeedMetrics;
  /** Caps on open streams. */
  streams: StreamGate;
}

export function coHostServiceImpl(deps: CoHostServiceDeps): ServiceImpl<typeof CoHostService> {
  const { core } = deps;
  return {
    async requestHostConnection(req, ctx) {
      throwIfInvalid(
        firstViolation(
          () => checkId("live_id", req.liveId),
          () => checkId("target_host_live_id", req.targetHostLiveId),
          () => checkLayout("layout_template", req.layoutTemplate),
          () => checkRange("timeout_seconds", req.timeoutSeconds, limits.timeoutSeconds.min, limits.timeoutSeconds.max),
          () => checkText("extra_info", req.extraInfo, limits.extraInfoBytes),
          () => checkOptionalId("request_id", req.requestId),
        ),
      );
      const caller = callerOf(ctx);
      const outcome = await core.requestConnection(
        caller,
        {
          liveId: req.liveId,
          target: req.targetHostLiveId,
          layout: req.layoutTemplate,
          timeoutSeconds: req.timeoutSeconds,
          extraInfo: req.extraInfo,
        },
        idempotencyKey(caller, req.requestId, RequestHostConnectionRequestSchema, req),
      );
      const sent = unwrapOutcome(outcome);
      return { deadline: timestampFromMs(sent.deadline), position: position(sent.position) };
    },

    async cancelHostConnection(req, ctx) {
      throwIfInvalid(
        firstViolation(
          () => checkId("live_id", req.liveId),
          () => checkId("to_host_live_id", req.toHostLiveId),
          () => checkOptionalId("request_id", req.requestId),
        ),
      );
      const caller = callerOf(ctx);
      const idem = idempotencyKey(caller, req.requestId, CancelHostConnectionRequestSchema, req);
      return positioned(await core.cancelConnection(caller, req.liveId, req.toHostLiveId, idem));
    },

    async acceptHostConnection(req, ctx) {
      throwIfInvalid(
        firstViolation(
          () => checkId("live_id", req.liveId),
          () => checkId("from_host_live_id", req.fromHostLiveId),
          () => checkOptionalId("request_id", req.requestId),
        ),
      );
      const caller = callerOf(ctx);
      const idem = idempotencyKey(caller, req.requestId, AcceptHostConnectionRequestSchema, req);
      return positioned(await core.acceptConnection(caller, req.liveId, req.fromHostLiveId, idem));
    },

    async rejectHostConnection(req, ctx) {
      throwIfInvalid(
        firstViolation(
          () => checkId("live_id", req.liveId),
          () => checkId("from_host_live_id", req.fromHostLiveId),
          () => checkOptionalId("request_id", req.requestId),
        ),
      );
      const caller = callerOf(ctx);
      const idem = idempotencyKey(caller, req.requestId, RejectHostConnectionRequestSchema, req);
      return positioned(await core.rejectConnection(caller, req.liveId, req.fromHostLiveId, idem));
    },

    async exitHostConnection(req, ctx) {
      throwIfInvalid(
        firstViolation(
          () => checkId("live_id", req.liveId),
          () => checkOptionalId("request_id", req.requestId),
        ),
      );
      const caller = callerOf(ctx);
      const idem = idempotencyKey(caller, req.requestId, ExitHostConnectionRequestSchema, req);
      return positioned(await core.exitConnection(caller, req.liveId, idem));
    },

    async getCoHostCandidates(req, ctx) {
      let after = "";
      throwIfInvalid(
        firstViolation(
          () => checkId("live_id", req.liveId),
          () => {
            const cursor = decodeCursor("cursor", req.cursor);
            if (isViolation(cursor)) return cursor;
            after = cursor.after;
            return undefined;
          },
          () => checkRange("page_size", req.pageSize, 0, limits.pageSize.max),
        ),
      );
      const room = unwrapOutcome(await core.hostRoom(callerOf(ctx), req.liveId));
      const pageSize = req.pageSize || limits.pageSize.default;
      const excluded = new Set(room.connectedLiveIds);
      const hosts = await core.store.listRooms(after, pageSize + excluded.size + 1);
      const page = hosts.filter((h) => !excluded.has(h.liveId));
      const more = page.length > pageSize;
      const candidates = page.slice(0, pageSize);
      return {
        candidates,
        nextCursor: more ? encodeCursor(candidates.at(-1)!.liveId) : "",
      };
    },

    async *watchCoHost(req, ctx) {
      throwIfInvalid(
        firstViolation(
          () => checkId("live_id", req.liveId),
          () => checkOptionalId("resume_epoch", req.resumeEpoch),
        ),
      );
      const caller = callerOf(ctx);
      const release = unwrapOutcome(deps.streams.enter({ user: caller, room: req.liveId, connection: ctx.values.get(connectionKey) }));
      // The stream ends when its call does or the server shuts down. Listeners, removed when it
      // ends, rather than AbortSignal.any: on Node 20 that leaves an entry per stream on the
      // long-lived shutdown signal.
      const abort = new AbortController();
      const onAbort = () => abort.abort();
      ctx.signal.addEventListener("abort", onAbort);
      deps.shutdown.addEventListener("abort", onAbort);
      if (ctx.signal.aborted || deps.shutdown.aborted) abort.abort();
      try {
        yield* watchRoom(
          { core, feeds: core.store.feeds, clock: deps.clock, options: deps.watch, metrics: deps.metrics },
          caller,
          { liveId: req.liveId, resumeEpoch: req.resumeEpoch, resumeAfterSequence: Number(req.resumeAfterSequence) },
          abort.signal,
        );
      } finally {
        ctx.signal.removeEventListener("abort", onAbort);
        deps.shutdown.removeEventListener("abort", onAbort);
        release();
      }
      if (deps.shutdown.aborted) throw new ShutdownError();
    },
  };
}

/** Ends streams on shutdown so clients resume elsewhere (spec: UNAVAILABLE). */
class ShutdownError extends ConnectError {
  constructor() {
    super("server is shutting down; resume", Code.Unavailable);
  }
}

function callerOf(ctx: HandlerContext): string {
  const caller = ctx.values.get(callerKey);
  if (!caller) throw new Error("host auth interceptor did not run");
  return caller;
}

function position(p: FeedPosition) {
  return create(FeedPositionSchema, { epoch: p.epoch, sequence: BigInt(p.sequence) });
}

function positioned(outcome: Outcome<{ position: FeedPosition }>) {
  return { position: position(unwrapOutcome(outcome).position) };
}

/** R18: the key is per user; the fingerprint is the call without its request_id. */
function idempotencyKey<Desc extends DescMessage>(
  caller: string,
  requestId: string,
  schema: Desc,
  req: MessageShape<Desc>,
): IdempotencyKey | undefined {
  if (!requestId) return undefined;
  const bytes = toBinary(schema, { ...req, requestId: "" } as MessageShape<Desc>);
  const fingerprint = createHash("sha256").update(schema.typeName).update(bytes).digest("base64url");
  return { key: `${caller}\n${requestId}`, fingerprint };
}
