// Builders for what the fault cases' server sends: feed messages, events
// and refusals, naming rooms by actor ("self", "x", "y") with the ids a
// Cast gives them, so reports read like the scripted cases'.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  CancelReason,
  CoHostErrorDetailSchema,
  CoHostErrorReason,
  CoHostLayoutTemplate,
  CoHostStatus,
  type LeaveReason,
  WatchMessageKind,
  type CoHostEventSchema,
  type WatchCoHostResponseSchema,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Cast } from "../expectations.js";

type Message = MessageInitShape<typeof WatchCoHostResponseSchema>;
type Event = MessageInitShape<typeof CoHostEventSchema>;

export interface StateParts {
  connected?: string[];
  invitees?: string[];
  applicant?: string;
  layout?: CoHostLayoutTemplate;
}

export class FaultMessages {
  constructor(private readonly cast: Cast) {}

  seat(name: string) {
    const a = this.cast.actor(name);
    return { liveId: a.liveId, userId: a.userId, userName: a.userName, avatarUrl: a.avatarUrl };
  }

  /** A full state; CONNECTED exactly when `connected` is given, layout HOST_DYNAMIC_GRID then. */
  state(parts: StateParts = {}) {
    const connected = (parts.connected ?? []).map((n) => this.seat(n));
    return {
      status: connected.length > 0 ? CoHostStatus.CONNECTED : CoHostStatus.DISCONNECTED,
      connected,
      invitees: (parts.invitees ?? []).map((n) => this.seat(n)),
      ...(parts.applicant ? { applicant: this.seat(parts.applicant) } : {}),
      layoutTemplate: connected.length > 0 ? (parts.layout ?? CoHostLayoutTemplate.HOST_DYNAMIC_GRID) : CoHostLayoutTemplate.UNSPECIFIED,
    };
  }

  snapshot(epoch: string, sequence: number, parts: StateParts = {}, keepAliveSeconds = 15): Message {
    return {
      kind: WatchMessageKind.SNAPSHOT,
      epoch,
      sequence: BigInt(sequence),
      state: this.state(parts),
      keepAliveInterval: { seconds: BigInt(keepAliveSeconds) },
    };
  }

  resync(epoch: string, sequence: number, parts: StateParts = {}): Message {
    return {
      kind: WatchMessageKind.RESYNC,
      epoch,
      sequence: BigInt(sequence),
      state: this.state(parts),
      keepAliveInterval: { seconds: 15n },
    };
  }

  change(epoch: string, sequence: number, parts: StateParts, events: Event[] = [], roomClosed = false): Message {
    return { kind: WatchMessageKind.CHANGE, epoch, sequence: BigInt(sequence), state: this.state(parts), events, roomClosed };
  }

  keepAlive(epoch: string, sequence: number): Message {
    return { kind: WatchMessageKind.KEEP_ALIVE, epoch, sequence: BigInt(sequence), keepAliveInterval: { seconds: 15n } };
  }

  received(inviter: string, extensionInfo = ""): Event {
    return {
      event: {
        case: "requestReceived",
        value: {
          inviter: this.seat(inviter),
          invitee: this.seat("self"),
          extensionInfo,
          layoutTemplate: CoHostLayoutTemplate.HOST_DYNAMIC_GRID,
          deadline: { seconds: BigInt(Math.floor(Date.now() / 1000) + 30) },
        },
      },
    };
  }

  cancelled(inviter: string, reason = CancelReason.CANCELLED_BY_INVITER): Event {
    return { event: { case: "requestCancelled", value: { inviter: this.seat(inviter), invitee: this.seat("self"), reason } } };
  }

  joined(user: string): Event {
    return { event: { case: "userJoined", value: { userInfo: this.seat(user) } } };
  }

  left(user: string, reason: LeaveReason): Event {
    return { event: { case: "userLeft", value: { userInfo: this.seat(user), reason } } };
  }
}

/** A refusal as servers send it: the code plus exactly one CoHostErrorDetail. */
export function refusal(code: Code, reason: CoHostErrorReason, retryAfterMs?: number): ConnectError {
  const detail = create(CoHostErrorDetailSchema, {
    reason,
    ...(retryAfterMs === undefined
      ? {}
      : { retryAfter: { seconds: BigInt(Math.floor(retryAfterMs / 1000)), nanos: (retryAfterMs % 1000) * 1_000_000 } }),
  });
  return new ConnectError(CoHostErrorReason[reason], code, undefined, [{ desc: CoHostErrorDetailSchema, value: detail }]);
}

export const goingAway = () => new ConnectError("server going away", Code.Unavailable);
