// The seed's CoHostStore vocabulary (Tencent's names and numbers), as the
// app sees it. Mapping to and from the wire lives in mapping.ts.

/** Tencent's CoHostStatus. */
export enum CoHostStatus {
  connected = 0,
  disconnected = 1,
}

/** Tencent's CoHostLayoutTemplate, with its wire values. */
export enum CoHostLayoutTemplate {
  hostVoiceConnection = 2,
  hostDynamicGrid = 600,
  hostDynamic1v6 = 601,
  hostVideoLeftFocus9Seats = 602,
  hostVideoUniformGrid9Seats = 603,
}

/** A live room and its host (R3). Immutable. */
export interface SeatUserInfo {
  readonly liveID: string;
  readonly userID: string;
  readonly userName: string;
  readonly avatarURL: string;
}

/**
 * The result of every operation: `code` 0 on success; otherwise the
 * Connect/gRPC status code, a readable `message`, and the machine-readable
 * `reason` (a CoHostErrorReason name such as "TARGET_BUSY", or "" when the
 * server gave none, e.g. a network failure).
 */
export interface CompletionHandler {
  readonly code: number;
  readonly message: string;
  readonly reason: string;
  /** The request field the refusal is about, or "". */
  readonly field: string;
  /** With RATE_LIMITED: how long to wait before the next request can pass (not in the seed). */
  readonly retryAfterMs?: number;
}

/** Why a request to this room ended unanswered (CancelReason of the spec; not in the seed). */
export type CoHostCancelReason = "CANCELLED_BY_INVITER" | "INVITER_EXITED" | "INVITER_ROOM_CLOSED";
/** Why this room's request was rejected (RejectReason of the spec; not in the seed). */
export type CoHostRejectReason = "REJECTED_BY_INVITEE" | "INVITEE_ROOM_CLOSED";
/** Why a room left this room's connection (LeaveReason of the spec; not in the seed). */
export type CoHostLeaveReason = "EXITED" | "ROOM_CLOSED" | "SELF_LEFT";

/**
 * Tencent's CoHostListener; every callback is optional. The trailing
 * `reason` arguments are additions to the seed; undefined when the server
 * sent none.
 *
 * The store calls these after every value of `coHostState` shows the
 * change, in the order the server sent the events. A SNAPSHOT or RESYNC of
 * the feed (the first state, or a resume the server could not replay)
 * fires no events, except `onCoHostRequestReceived(applicant, "")` when it
 * shows an applicant the listeners have not been told about: a request
 * that arrived while the feed was down still reaches the app's prompt (its
 * extension info is not part of the state, hence ""). A feed that closes
 * for good (its room closed, or a refusal no retry can change) resets the
 * state and fires `onCoHostUserLeft(member, "SELF_LEFT")` for every other
 * member, as the room's own final message does.
 */
export interface CoHostListener {
  onCoHostRequestReceived?(inviter: SeatUserInfo, extensionInfo: string): void;
  onCoHostRequestCancelled?(inviter: SeatUserInfo, invitee: SeatUserInfo, reason?: CoHostCancelReason): void;
  onCoHostRequestAccepted?(invitee: SeatUserInfo): void;
  onCoHostRequestRejected?(invitee: SeatUserInfo, reason?: CoHostRejectReason): void;
  onCoHostRequestTimeout?(inviter: SeatUserInfo, invitee: SeatUserInfo): void;
  onCoHostUserJoined?(userInfo: SeatUserInfo): void;
  onCoHostUserLeft?(userInfo: SeatUserInfo, reason?: CoHostLeaveReason): void;
}

/** Where the store's server feed stands (not in the seed: for UIs that show connectivity). */
export type FeedStatus = "connecting" | "live" | "reconnecting" | "closed";
