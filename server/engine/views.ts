// Builds the wire shapes (R3, R14, R15) from records.
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type CancelReason,
  CoHostLayoutTemplate,
  CoHostStatus,
  type LeaveReason,
  type RejectReason,
  type CoHostEvent,
  type CoHostState,
  type SeatUserInfo,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { ConnectionRecord, HostInfo, OutgoingRequest, RoomRecord } from "./records.js";

// Messages are built as plain literals (protobuf-es messages are plain
// objects): create() walks the schema each time, and these run on every call.
// Hosts never change while a room is open, so each host's SeatUserInfo is
// built once and shared; messages are never mutated after they are built.
const seats = new WeakMap<HostInfo, SeatUserInfo>();

export function seat(host: HostInfo): SeatUserInfo {
  let s = seats.get(host);
  if (!s) {
    s = {
      $typeName: "cohost.v1.SeatUserInfo",
      liveId: host.liveId,
      userId: host.userId,
      userName: host.userName,
      avatarUrl: host.avatarUrl,
    };
    seats.set(host, s);
  }
  return s;
}

/** R14: a room's state; `connected` includes the room itself (R11). */
export function stateOf(room: RoomRecord | undefined, connection: ConnectionRecord | undefined): CoHostState {
  const connected = room && connection ? connection.members.map(seat) : [];
  return {
    $typeName: "cohost.v1.CoHostState",
    status: connected.length > 0 ? CoHostStatus.CONNECTED : CoHostStatus.DISCONNECTED,
    connected,
    invitees: room ? room.outgoing.map((r) => seat(r.to)) : [],
    applicant: room?.incoming ? seat(room.incoming.from) : undefined,
    layoutTemplate: room && connection ? connection.layout : CoHostLayoutTemplate.UNSPECIFIED,
  };
}

const event = (e: CoHostEvent["event"]): CoHostEvent => ({ $typeName: "cohost.v1.CoHostEvent", event: e });

// The seven listener events with Tencent's arguments.
export const events = {
  requestReceived: (from: HostInfo, request: OutgoingRequest): CoHostEvent =>
    event({
      case: "requestReceived",
      value: {
        $typeName: "cohost.v1.RequestReceived",
        inviter: seat(from),
        invitee: seat(request.to),
        extensionInfo: request.extraInfo,
        layoutTemplate: request.layout,
        deadline: timestampFromMs(request.deadline),
      },
    }),
  requestCancelled: (from: HostInfo, to: HostInfo, reason: CancelReason): CoHostEvent =>
    event({ case: "requestCancelled", value: { $typeName: "cohost.v1.RequestCancelled", inviter: seat(from), invitee: seat(to), reason } }),
  requestAccepted: (to: HostInfo): CoHostEvent =>
    event({ case: "requestAccepted", value: { $typeName: "cohost.v1.RequestAccepted", invitee: seat(to) } }),
  requestRejected: (to: HostInfo, reason: RejectReason): CoHostEvent =>
    event({ case: "requestRejected", value: { $typeName: "cohost.v1.RequestRejected", invitee: seat(to), reason } }),
  requestTimeout: (from: HostInfo, to: HostInfo): CoHostEvent =>
    event({ case: "requestTimeout", value: { $typeName: "cohost.v1.RequestTimeout", inviter: seat(from), invitee: seat(to) } }),
  userJoined: (who: HostInfo): CoHostEvent =>
    event({ case: "userJoined", value: { $typeName: "cohost.v1.UserJoined", userInfo: seat(who) } }),
  userLeft: (who: HostInfo, reason: LeaveReason): CoHostEvent =>
    event({ case: "userLeft", value: { $typeName: "cohost.v1.UserLeft", userInfo: seat(who), reason } }),
};
