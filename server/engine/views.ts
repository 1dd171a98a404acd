// Builds the wire shapes (R3, R14, R15) from records.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  CancelReason,
  CoHostEventSchema,
  CoHostLayoutTemplate,
  CoHostStateSchema,
  CoHostStatus,
  LeaveReason,
  RejectReason,
  SeatUserInfoSchema,
  type CoHostEvent,
  type CoHostState,
  type SeatUserInfo,
} from "../../gen/cohost/v1/cohost_pb.js";
import type { ConnectionRecord, HostInfo, OutgoingRequest, RoomRecord } from "./records.js";

export function seat(host: HostInfo): SeatUserInfo {
  return create(SeatUserInfoSchema, host);
}

/** R14: a room's state; `connected` includes the room itself (R11). */
export function stateOf(room: RoomRecord | undefined, connection: ConnectionRecord | undefined): CoHostState {
  if (!room) return create(CoHostStateSchema, { status: CoHostStatus.DISCONNECTED });
  const connected = connection ? connection.members.map(seat) : [];
  return create(CoHostStateSchema, {
    status: connected.length > 0 ? CoHostStatus.CONNECTED : CoHostStatus.DISCONNECTED,
    connected,
    invitees: room.outgoing.map((r) => seat(r.to)),
    applicant: room.incoming ? seat(room.incoming.from) : undefined,
    layoutTemplate: connection?.layout ?? CoHostLayoutTemplate.UNSPECIFIED,
  });
}

// The seven listener events with Tencent's arguments.
export const events = {
  requestReceived: (from: HostInfo, request: OutgoingRequest): CoHostEvent =>
    create(CoHostEventSchema, {
      event: {
        case: "requestReceived",
        value: {
          inviter: seat(from),
          invitee: seat(request.to),
          extensionInfo: request.extraInfo,
          layoutTemplate: request.layout,
          deadline: timestampFromMs(request.deadline),
        },
      },
    }),
  requestCancelled: (from: HostInfo, to: HostInfo, reason: CancelReason): CoHostEvent =>
    create(CoHostEventSchema, {
      event: { case: "requestCancelled", value: { inviter: seat(from), invitee: seat(to), reason } },
    }),
  requestAccepted: (to: HostInfo): CoHostEvent =>
    create(CoHostEventSchema, { event: { case: "requestAccepted", value: { invitee: seat(to) } } }),
  requestRejected: (to: HostInfo, reason: RejectReason): CoHostEvent =>
    create(CoHostEventSchema, { event: { case: "requestRejected", value: { invitee: seat(to), reason } } }),
  requestTimeout: (from: HostInfo, to: HostInfo): CoHostEvent =>
    create(CoHostEventSchema, { event: { case: "requestTimeout", value: { inviter: seat(from), invitee: seat(to) } } }),
  userJoined: (who: HostInfo): CoHostEvent =>
    create(CoHostEventSchema, { event: { case: "userJoined", value: { userInfo: seat(who) } } }),
  userLeft: (who: HostInfo, reason: LeaveReason): CoHostEvent =>
    create(CoHostEventSchema, { event: { case: "userLeft", value: { userInfo: seat(who), reason } } }),
};
