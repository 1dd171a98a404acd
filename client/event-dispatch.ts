// One wire event to the CoHostListener callback it stands for, with
// Tencent's arguments plus the trailing reason where the spec has one.
import type { CoHostEvent } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { cancelReasonFromWire, leaveReasonFromWire, rejectReasonFromWire, seatFromWire } from "./mapping.js";
import type { CoHostListener } from "./types.js";

export function dispatchEvent(listener: CoHostListener, event: CoHostEvent): void {
  const e = event.event;
  switch (e.case) {
    case "requestReceived":
      return listener.onCoHostRequestReceived?.(seatFromWire(e.value.inviter), e.value.extensionInfo);
    case "requestCancelled":
      return listener.onCoHostRequestCancelled?.(
        seatFromWire(e.value.inviter),
        seatFromWire(e.value.invitee),
        cancelReasonFromWire(e.value.reason),
      );
    case "requestAccepted":
      return listener.onCoHostRequestAccepted?.(seatFromWire(e.value.invitee));
    case "requestRejected":
      return listener.onCoHostRequestRejected?.(seatFromWire(e.value.invitee), rejectReasonFromWire(e.value.reason));
    case "requestTimeout":
      return listener.onCoHostRequestTimeout?.(seatFromWire(e.value.inviter), seatFromWire(e.value.invitee));
    case "userJoined":
      return listener.onCoHostUserJoined?.(seatFromWire(e.value.userInfo));
    case "userLeft":
      return listener.onCoHostUserLeft?.(seatFromWire(e.value.userInfo), leaveReasonFromWire(e.value.reason));
  }
}
