// Wire (generated proto types) to the seed's types and back.
import {
  CoHostLayoutTemplate as WireLayout,
  CoHostStatus as WireStatus,
  CancelReasonSchema,
  CoHostErrorDetailSchema,
  CoHostErrorReasonSchema,
  LeaveReasonSchema,
  RejectReasonSchema,
  type CoHostState as WireState,
  type SeatUserInfo as WireSeat,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { ConnectError } from "@connectrpc/connect";
import {
  CoHostLayoutTemplate,
  CoHostStatus,
  type CoHostCancelReason,
  type CoHostLeaveReason,
  type CoHostRejectReason,
  type CompletionHandler,
  type SeatUserInfo,
} from "./types.js";

export function seatFromWire(seat: WireSeat | undefined): SeatUserInfo {
  return {
    liveID: seat?.liveId ?? "",
    userID: seat?.userId ?? "",
    userName: seat?.userName ?? "",
    avatarURL: seat?.avatarUrl ?? "",
  };
}

export function statusFromWire(status: WireStatus): CoHostStatus {
  return status === WireStatus.CONNECTED ? CoHostStatus.connected : CoHostStatus.disconnected;
}

export function statusToWire(status: CoHostStatus): WireStatus {
  return status === CoHostStatus.connected ? WireStatus.CONNECTED : WireStatus.DISCONNECTED;
}

// The seed's numbers are the wire values, so the mapping is checked, not computed.
const layouts: ReadonlyMap<CoHostLayoutTemplate, WireLayout> = new Map([
  [CoHostLayoutTemplate.hostVoiceConnection, WireLayout.HOST_VOICE_CONNECTION],
  [CoHostLayoutTemplate.hostDynamicGrid, WireLayout.HOST_DYNAMIC_GRID],
  [CoHostLayoutTemplate.hostDynamic1v6, WireLayout.HOST_DYNAMIC_1V6],
  [CoHostLayoutTemplate.hostVideoLeftFocus9Seats, WireLayout.HOST_VIDEO_LEFT_FOCUS_9_SEATS],
  [CoHostLayoutTemplate.hostVideoUniformGrid9Seats, WireLayout.HOST_VIDEO_UNIFORM_GRID_9_SEATS],
]);

export function layoutToWire(layout: CoHostLayoutTemplate): WireLayout {
  return layouts.get(layout) ?? WireLayout.UNSPECIFIED;
}

export function layoutFromWire(layout: WireLayout): CoHostLayoutTemplate | undefined {
  for (const [seed, wire] of layouts) if (wire === layout) return seed;
  return undefined;
}

/** The parts of the wire state the seed's coHostState shows. */
export interface SeedState {
  coHostStatus: CoHostStatus;
  connected: SeatUserInfo[];
  invitees: SeatUserInfo[];
  applicant: SeatUserInfo | null;
  /** The connection's layout; null when not connected (or a layout this client does not know). */
  layoutTemplate: CoHostLayoutTemplate | null;
}

export const emptyState: SeedState = Object.freeze({
  coHostStatus: CoHostStatus.disconnected,
  connected: [],
  invitees: [],
  applicant: null,
  layoutTemplate: null,
});

export function stateFromWire(state: WireState | undefined): SeedState {
  return {
    coHostStatus: statusFromWire(state?.status ?? WireStatus.DISCONNECTED),
    connected: (state?.connected ?? []).map(seatFromWire),
    invitees: (state?.invitees ?? []).map(seatFromWire),
    applicant: state?.applicant ? seatFromWire(state.applicant) : null,
    layoutTemplate: layoutFromWire(state?.layoutTemplate ?? WireLayout.UNSPECIFIED) ?? null,
  };
}

type EnumSchema = { value: Record<number, { localName: string } | undefined> };
// UNSPECIFIED (0) means the server gave no reason: the callback gets undefined.
const reasonName = (schema: EnumSchema, value: number) => (value === 0 ? undefined : schema.value[value]?.localName);
export const cancelReasonFromWire = (v: number) => reasonName(CancelReasonSchema, v) as CoHostCancelReason | undefined;
export const rejectReasonFromWire = (v: number) => reasonName(RejectReasonSchema, v) as CoHostRejectReason | undefined;
export const leaveReasonFromWire = (v: number) => reasonName(LeaveReasonSchema, v) as CoHostLeaveReason | undefined;

export const success: CompletionHandler = Object.freeze({ code: 0, message: "", reason: "", field: "" });

export function completionFromError(err: unknown): CompletionHandler {
  const error = ConnectError.from(err);
  const detail = error.findDetails(CoHostErrorDetailSchema)[0];
  const reason = detail ? (CoHostErrorReasonSchema.value[detail.reason]?.localName ?? "") : "";
  const retry = detail?.retryAfter;
  return Object.freeze({
    code: error.code,
    message: error.rawMessage,
    reason,
    field: detail?.field ?? "",
    ...(retry ? { retryAfterMs: Number(retry.seconds) * 1000 + Math.round(retry.nanos / 1e6) } : {}),
  });
}
