import { Code } from "@connectrpc/connect";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

/**
 * Why a call changes nothing: the engine returns it as a value; the service
 * turns it into a ConnectError with a CoHostErrorDetail.
 */
export interface Refusal {
  code: Code;
  reason: CoHostErrorReason;
  /** The request field at fault, by proto name, or "". */
  field: string;
  message: string;
  /** With RATE_LIMITED: milliseconds until a request can pass. */
  retryAfterMs?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function refuse<T = never>(code: Code, reason: CoHostErrorReason, message: string, field = "", retryAfterMs?: number): Outcome<T> {
  const refusal: Refusal = { code, reason, field, message };
  if (retryAfterMs !== undefined) refusal.retryAfterMs = retryAfterMs;
  return { ok: false, refusal };
}

const R = CoHostErrorReason;

// The refusals of SEMANTICS.md, one constructor each so every path words
// and codes them alike.
export const refusals = {
  roomNotFound: (liveId: string, field: string) =>
    refuse(
      Code.NotFound,
      R.ROOM_NOT_FOUND,
      // Stryker disable next-line StringLiteral: message text is not part of the protocol
      `room "${liveId}" is not open`,
      field,
    ),
  notRoomHost: (liveId: string) =>
    refuse(
      Code.PermissionDenied,
      R.NOT_ROOM_HOST,
      // Stryker disable next-line StringLiteral: message text is not part of the protocol
      `the caller is not the host of room "${liveId}"`,
      "live_id",
    ),
  rateLimited: (retryAfterMs: number) =>
    refuse(
      Code.ResourceExhausted,
      R.RATE_LIMITED,
      // Stryker disable next-line StringLiteral: message text is not part of the protocol
      "too many connection requests; retry later",
      "",
      retryAfterMs,
    ),
  selfRequest: () =>
    refuse(
      Code.InvalidArgument,
      R.SELF_REQUEST,
      // Stryker disable next-line StringLiteral: message text is not part of the protocol
      "a room cannot request a connection with itself",
      "target_host_live_id",
    ),
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  pendingIncoming: () => refuse(Code.FailedPrecondition, R.PENDING_INCOMING_REQUEST, "answer the pending incoming request first"),
  alreadyInvitedOrConnected: () =>
    // Stryker disable next-line StringLiteral: message text is not part of the protocol
    refuse(Code.AlreadyExists, R.ALREADY_INVITED_OR_CONNECTED, "the target is already invited or connected"),
  targetConnectedElsewhere: () =>
    // Stryker disable next-line StringLiteral: message text is not part of the protocol
    refuse(Code.FailedPrecondition, R.TARGET_CONNECTED_ELSEWHERE, "the target is connected with other rooms"),
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  targetBusy: () => refuse(Code.FailedPrecondition, R.TARGET_BUSY, "the target is inviting or invited"),
  layoutMismatch: () =>
    refuse(
      Code.FailedPrecondition,
      R.LAYOUT_MISMATCH,
      // Stryker disable next-line StringLiteral: message text is not part of the protocol
      "the layout differs from the connection or pending requests",
      "layout_template",
    ),
  connectionFull: () =>
    // Stryker disable next-line StringLiteral: message text is not part of the protocol
    refuse(Code.ResourceExhausted, R.CONNECTION_FULL, "the connection would exceed the layout's capacity"),
  requestNotFound: (field: string) =>
    // Stryker disable next-line StringLiteral: message text is not part of the protocol
    refuse(Code.FailedPrecondition, R.REQUEST_NOT_FOUND, "no such request is pending", field),
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  notConnected: () => refuse(Code.FailedPrecondition, R.NOT_CONNECTED, "the room is not connected"),
  roomAlreadyOpen: (liveId: string) =>
    refuse(
      Code.AlreadyExists,
      R.ROOM_ALREADY_OPEN,
      // Stryker disable next-line StringLiteral: message text is not part of the protocol
      `room "${liveId}" is already open with another host`,
      "live_id",
    ),
  requestIdReused: () =>
    refuse(
      Code.InvalidArgument,
      R.REQUEST_ID_REUSED,
      // Stryker disable next-line StringLiteral: message text is not part of the protocol
      "request_id was already used for a different call",
      "request_id",
    ),
};
