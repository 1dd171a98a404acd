// The handlers of the two baselines: constant answers for the unary calls, and
// a broadcaster that sends a constant CHANGE (only its sequence differs) to the
// streams of both rooms a request or cancel names, as the reference server
// does. The bare server runs them on connect-node alone; the no-op stack runs
// them behind the reference server's listener, adapter and interceptors.
import type { ServiceImpl } from "@connectrpc/connect";
import {
  CancelReason,
  type CoHostService,
  CoHostStatus,
  type RoomAdminService,
  WatchMessageKind,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

const seat = (liveId: string) => ({
  $typeName: "cohost.v1.SeatUserInfo" as const,
  liveId,
  userId: `u-${liveId}`,
  userName: liveId,
  avatarUrl: "",
});

/** The size and shape of a reference CHANGE of the fan-out (a request cancelled: one event, two seats). */
function template(liveId: string): WatchCoHostResponse {
  return {
    $typeName: "cohost.v1.WatchCoHostResponse",
    kind: WatchMessageKind.CHANGE,
    epoch: "bench-epoch-0123456789ab",
    sequence: 0n,
    state: {
      $typeName: "cohost.v1.CoHostState",
      status: CoHostStatus.DISCONNECTED,
      connected: [],
      invitees: [],
      applicant: undefined,
      layoutTemplate: 0,
    },
    events: [
      {
        $typeName: "cohost.v1.CoHostEvent",
        event: {
          case: "requestCancelled",
          value: {
            $typeName: "cohost.v1.RequestCancelled",
            inviter: seat(liveId),
            invitee: seat(`${liveId}-peer`),
            reason: CancelReason.CANCELLED_BY_INVITER,
          },
        },
      },
    ],
    roomClosed: false,
    keepAliveInterval: undefined,
  };
}

/** One stream's messages between a broadcast and the stream's write. */
class StreamQueue {
  private items: WatchCoHostResponse[] = [];
  private wake: (() => void) | undefined;

  push(m: WatchCoHostResponse): void {
    this.items.push(m);
    this.wake?.();
  }

  async next(signal: AbortSignal): Promise<WatchCoHostResponse | undefined> {
    for (;;) {
      const m = this.items.shift();
      if (m) return m;
      if (signal.aborted) return undefined;
      // No named closures per message: tsx (which runs this file) wraps each in a __name call.
      await new Promise<void>((resolve) => {
        this.wake = resolve as () => void;
        signal.addEventListener("abort", this.wake, { once: true });
      });
      signal.removeEventListener("abort", this.wake!);
      this.wake = undefined;
    }
  }
}

/** Rooms' streams and sequences; every unary call that names two rooms sends one CHANGE to each. */
export class Broadcaster {
  private readonly streams = new Map<string, Set<StreamQueue>>();
  private readonly rooms = new Map<string, { sequence: number; message: WatchCoHostResponse }>();

  private room(liveId: string) {
    let r = this.rooms.get(liveId);
    if (!r) this.rooms.set(liveId, (r = { sequence: 0, message: template(liveId) }));
    return r;
  }

  change(...liveIds: string[]): void {
    for (const liveId of liveIds) {
      const r = this.room(liveId);
      const message = { ...r.message, sequence: BigInt(++r.sequence) };
      for (const q of this.streams.get(liveId) ?? []) q.push(message);
    }
  }

  async *watch(liveId: string, signal: AbortSignal): AsyncGenerator<WatchCoHostResponse> {
    const q = new StreamQueue();
    let set = this.streams.get(liveId);
    if (!set) this.streams.set(liveId, (set = new Set()));
    set.add(q);
    try {
      const r = this.room(liveId);
      yield { ...r.message, kind: WatchMessageKind.SNAPSHOT, sequence: BigInt(r.sequence), events: [] };
      for (;;) {
        const m = await q.next(signal);
        if (!m) return;
        yield m;
      }
    } finally {
      set.delete(q);
    }
  }
}

export function constantCoHostService(feeds: Broadcaster): ServiceImpl<typeof CoHostService> {
  const deadline = { $typeName: "google.protobuf.Timestamp" as const, seconds: 1_900_000_000n, nanos: 0 };
  const position = { $typeName: "cohost.v1.FeedPosition" as const, epoch: "bench-epoch-0123456789ab", sequence: 1n };
  return {
    async requestHostConnection(req) {
      feeds.change(req.liveId, req.targetHostLiveId);
      return { deadline, position };
    },
    async cancelHostConnection(req) {
      feeds.change(req.liveId, req.toHostLiveId);
      return { position };
    },
    async acceptHostConnection() {
      return { position };
    },
    async rejectHostConnection() {
      return { position };
    },
    async exitHostConnection() {
      return { position };
    },
    async getCoHostCandidates() {
      return {};
    },
    watchCoHost(req, ctx) {
      return feeds.watch(req.liveId, ctx.signal);
    },
  };
}

export const constantAdminService: Partial<ServiceImpl<typeof RoomAdminService>> = {
  async openRoom() {
    return {};
  },
};
