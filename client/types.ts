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
}

/** Tencent's CoHostListener; every callback is optional. */
export interface CoHostListener {
  onCoHostRequestReceived?(inviter: SeatUserInfo, extensionInfo: string): void;
  onCoHostRequestCancelled?(inviter: SeatUserInfo, invitee: SeatUserInfo): void;
  onCoHostRequestAccepted?(invitee: SeatUserInfo): void;
  onCoHostRequestRejected?(invitee: SeatUserInfo): void;
  onCoHostRequestTimeout?(inviter: SeatUserInfo, invitee: SeatUserInfo): void;
  onCoHostUserJoined?(userInfo: SeatUserInfo): void;
  onCoHostUserLeft?(userInfo: SeatUserInfo): void;
}

/** Where the store's server feed stands (not in the seed: for UIs that show connectivity). */
export type FeedStatus = "connecting" | "live" | "reconnecting" | "closed";
