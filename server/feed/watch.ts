// WatchCoHost (R15, R16): snapshot or resume first, then every CHANGE in
// sequence order, keep-alives while quiet, and an end when the room closes.
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { WatchCoHostResponseSchema, WatchMessageKind, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Clock, Scheduler } from "../clock.js";
import type { CoHostCore } from "../core.js";
import type { RoomSnapshot } from "../engine/engine.js";
import type { FeedMetrics } from "../metrics/server-metrics.js";
import { refusalError, storeUnavailable } from "../service/errors.js";
import type { FeedBus } from "../store/state-store.js";
import { FeedQueue } from "./feed-queue.js";

export interface WatchOptions {
  keepAliveMs: number;
  /** Messages a watcher may fall behind before it is cut off (then it resumes). */
  maxQueued: number;
}

/** What a watch needs besides its request. */
export interface WatchContext {
  core: CoHostCore;
  feeds: FeedBus;
  clock: Clock & Scheduler;
  options: WatchOptions;
  metrics: FeedMetrics;
}

export interface WatchRequest {
  liveId: string;
  resumeEpoch: string;
  resumeAfterSequence: number;
}

export async function* watchRoom(
  { core, feeds, clock, options, metrics }: WatchContext,
  caller: string,
  request: WatchRequest,
  signal: AbortSignal,
): AsyncGenerator<WatchCoHostResponse> {
  const keepAliveInterval = durationFromMs(options.keepAliveMs);
  const queue = new FeedQueue(options.maxQueued, clock);
  // Subscribe before reading, so nothing between the read and the first live message is lost.
  const unsubscribe = await feeds.subscribe(
    request.liveId,
    (m, committedAt) => queue.push(m, committedAt),
    (reason) => queue.fail(reason),
  );
  metrics.watchOpened();
  try {
    const outcome = await core.hostRoom(caller, request.liveId);
    if (!outcome.ok) throw refusalError(outcome.refusal);
    const room = outcome.value;
    const epoch = room.position.epoch;
    let last: number;

    const missed = request.resumeEpoch === epoch ? await feeds.replay(request.liveId, epoch, request.resumeAfterSequence) : undefined;
    if (missed) {
      yield create(WatchCoHostResponseSchema, {
        kind: WatchMessageKind.KEEP_ALIVE,
        epoch,
        sequence: BigInt(request.resumeAfterSequence),
        keepAliveInterval,
      });
      last = request.resumeAfterSequence;
      for (const message of missed) {
        metrics.replayed(1);
        yield message;
        last = Number(message.sequence);
        if (message.roomClosed) return;
      }
    } else {
      const kind = request.resumeEpoch ? WatchMessageKind.RESYNC : WatchMessageKind.SNAPSHOT;
      if (kind === WatchMessageKind.RESYNC) metrics.resynced();
      yield snapshotMessage(kind, room, keepAliveInterval);
      last = room.position.sequence;
    }

    for (;;) {
      const next = await queue.next(signal, options.keepAliveMs);
      if (next.kind === "aborted") return;
      if (next.kind === "lost") throw storeUnavailable(`${next.reason}; resume from the last sequence`);
      if (next.kind === "overflow") {
        metrics.overflowed();
        throw new ConnectError("watcher fell too far behind; resume from the last sequence", Code.Unavailable);
      }
      if (next.kind === "idle") {
        yield create(WatchCoHostResponseSchema, { kind: WatchMessageKind.KEEP_ALIVE, epoch, sequence: BigInt(last), keepAliveInterval });
        continue;
      }
      const message = next.message;
      const sequence = Number(message.sequence);
      // The room's feed began anew (the store lost its data, or the room was reopened unseen):
      // this stream cannot continue it. The client resumes and gets a RESYNC or NOT_FOUND.
      if (message.epoch !== epoch) throw storeUnavailable("the room's feed restarted (another epoch); resume");
      if (sequence <= last) continue;
      if (sequence !== last + 1) {
        // A store that can deliver out of order: fill the gap from the log, or let the client resume.
        const gap = await feeds.replay(request.liveId, epoch, last);
        if (!gap) throw new ConnectError("feed gap; resume from the last sequence", Code.Unavailable);
        for (const m of gap) {
          if (Number(m.sequence) > sequence) break;
          metrics.replayed(1);
          yield m;
          last = Number(m.sequence);
          if (m.roomClosed) return;
        }
        continue;
      }
      yield message;
      if (next.committedAt !== undefined) metrics.delivered(clock.now() - next.committedAt);
      last = sequence;
      if (message.roomClosed) return;
    }
  } finally {
    metrics.watchClosed();
    unsubscribe();
    queue.close();
  }
}

function snapshotMessage(kind: WatchMessageKind, room: RoomSnapshot, keepAliveInterval: ReturnType<typeof durationFromMs>) {
  return create(WatchCoHostResponseSchema, {
    kind,
    epoch: room.position.epoch,
    sequence: BigInt(room.position.sequence),
    state: room.state,
    keepAliveInterval,
  });
}
