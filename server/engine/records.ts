// The engine's stored shapes. Plain JSON-safe data, so a store may keep them
// in memory or serialize them (Redis) without knowing the rules.
import type { CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

/** A room and its host, as given to OpenRoom (R1, R3). Immutable while open. */
export interface HostInfo {
  liveId: string;
  userId: string;
  userName: string;
  avatarUrl: string;
}

/** A pending request as its inviter keeps it (R4). */
export interface OutgoingRequest {
  to: HostInfo;
  layout: CoHostLayoutTemplate;
  extraInfo: string;
  createdAt: number;
  deadline: number;
}

/** The invitee's mirror of a pending request (R14 `applicant`). */
export interface IncomingRequest {
  from: HostInfo;
  deadline: number;
}

/** Token bucket of RequestHostConnection attempts (R19). */
export interface RateBucket {
  tokens: number;
  updatedAt: number;
}

export interface RoomRecord {
  host: HostInfo;
  /** Names this incarnation of the room's feed (R16). */
  epoch: string;
  /** Sequence of the room's latest CHANGE message; 0 when opened (R15). */
  sequence: number;
  /** The connection the room belongs to, or "" when not connected. */
  connectionId: string;
  /** Oldest first. */
  outgoing: OutgoingRequest[];
  incoming: IncomingRequest | null;
  bucket: RateBucket;
}

export interface ConnectionRecord {
  id: string;
  layout: CoHostLayoutTemplate;
  /** In join order (R14 `connected`). Always two or more. */
  members: HostInfo[];
}

/** Identifies one pending request; ids never contain control characters. */
export function requestKey(from: string, to: string): string {
  return `${from}\n${to}`;
}

export function parseRequestKey(key: string): { from: string; to: string } {
  const [from = "", to = ""] = key.split("\n");
  return { from, to };
}
