// Expected and actual feed messages rendered to one canonical text, so a
// mismatch reads as a plain diff and both sides are compared the same way.
import {
  CancelReasonSchema,
  CoHostLayoutTemplate,
  CoHostLayoutTemplateSchema,
  CoHostStatus,
  LeaveReasonSchema,
  RejectReasonSchema,
  type CoHostEvent,
  type CoHostState,
  type SeatUserInfo,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { CaseSpec, EventSpec, ExpectedMessage, StateSpec } from "./schema.js";

export interface Actor {
  name: string;
  liveId: string;
  userId: string;
  userName: string;
  avatarUrl: string;
}

/** The case's actors with the unique ids of this run. */
export class Cast {
  private readonly byName = new Map<string, Actor>();
  private readonly byLiveId = new Map<string, Actor>();

  constructor(prefix: string, spec: CaseSpec) {
    for (const name of [...spec.actors, ...(spec.unopened ?? []), ...(spec.extra_rooms ?? [])]) {
      const actor: Actor = {
        name,
        liveId: `${prefix}-${name}`,
        userId: `${prefix}-user-${name}`,
        userName: `${name.charAt(0).toUpperCase()}${name.slice(1)}`,
        avatarUrl: `https://avatars.example/${name}.png`,
      };
      this.byName.set(name, actor);
      this.byLiveId.set(actor.liveId, actor);
    }
  }

  actor(name: string): Actor {
    const actor = this.byName.get(name);
    if (!actor) throw new Error(`unknown actor ${name}`);
    return actor;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The actor a live id belongs to, or undefined. */
  byLive(liveId: string): Actor | undefined {
    return this.byLiveId.get(liveId);
  }

  /** An actor's name for a SeatUserInfo; flags a foreign room or wrong host fields (R3). */
  nameOf(seat: SeatUserInfo | undefined): string {
    if (!seat) return "-";
    const actor = this.byLiveId.get(seat.liveId);
    if (!actor) return `?${seat.liveId}`;
    if (seat.userId !== actor.userId || seat.userName !== actor.userName || seat.avatarUrl !== actor.avatarUrl) {
      return `${actor.name}!(seat=${JSON.stringify({ userId: seat.userId, userName: seat.userName, avatarUrl: seat.avatarUrl })})`;
    }
    return actor.name;
  }
}

/** A string in rendered form: long ones shortened, with a hash so they still compare exactly. */
export function textForm(value: string): string {
  if (value.length <= 64) return JSON.stringify(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193) >>> 0;
  return `${JSON.stringify(value.slice(0, 16))}...(${value.length} chars, fnv ${hash.toString(16)})`;
}

const enumName = (schema: { values: readonly { number: number; localName: string }[] }, n: number) =>
  schema.values.find((v) => v.number === n)?.localName ?? String(n);

export const layoutName = (n: number) => enumName(CoHostLayoutTemplateSchema, n);

export function renderState(state: CoHostState | undefined, cast: Cast): string {
  if (!state) return "(no state)";
  const status =
    state.status === CoHostStatus.CONNECTED
      ? "CONNECTED"
      : state.status === CoHostStatus.DISCONNECTED
        ? "DISCONNECTED"
        : `status#${state.status}`;
  return [
    `status=${status}`,
    `connected=[${state.connected.map((s) => cast.nameOf(s)).join(",")}]`,
    `invitees=[${state.invitees.map((s) => cast.nameOf(s)).join(",")}]`,
    `applicant=${cast.nameOf(state.applicant)}`,
    `layout=${layoutName(state.layoutTemplate)}`,
  ].join(" ");
}

/**
 * The expected state in the same form. Omitted lists are empty, an omitted
 * applicant is none, and the layout defaults to HOST_DYNAMIC_GRID while
 * connected (the suite's default request layout), UNSPECIFIED otherwise.
 */
export function renderExpectedState(spec: StateSpec): string {
  const connected = spec.connected ?? [];
  const layout = spec.layout ?? (connected.length > 0 ? "HOST_DYNAMIC_GRID" : "UNSPECIFIED");
  return [
    `status=${connected.length > 0 ? "CONNECTED" : "DISCONNECTED"}`,
    `connected=[${connected.join(",")}]`,
    `invitees=[${(spec.invitees ?? []).join(",")}]`,
    `applicant=${spec.applicant ?? "-"}`,
    `layout=${layout}`,
  ].join(" ");
}

export function renderEvent(event: CoHostEvent, cast: Cast): string {
  const e = event.event;
  switch (e.case) {
    case "requestReceived":
      return `request_received(inviter=${cast.nameOf(e.value.inviter)}, invitee=${cast.nameOf(e.value.invitee)}, extension_info=${textForm(e.value.extensionInfo)}, layout=${layoutName(e.value.layoutTemplate)}${e.value.deadline ? "" : ", no deadline"})`;
    case "requestCancelled":
      return `request_cancelled(inviter=${cast.nameOf(e.value.inviter)}, invitee=${cast.nameOf(e.value.invitee)}, reason=${enumName(CancelReasonSchema, e.value.reason)})`;
    case "requestAccepted":
      return `request_accepted(invitee=${cast.nameOf(e.value.invitee)})`;
    case "requestRejected":
      return `request_rejected(invitee=${cast.nameOf(e.value.invitee)}, reason=${enumName(RejectReasonSchema, e.value.reason)})`;
    case "requestTimeout":
      return `request_timeout(inviter=${cast.nameOf(e.value.inviter)}, invitee=${cast.nameOf(e.value.invitee)})`;
    case "userJoined":
      return `user_joined(user=${cast.nameOf(e.value.userInfo)})`;
    case "userLeft":
      return `user_left(user=${cast.nameOf(e.value.userInfo)}, reason=${enumName(LeaveReasonSchema, e.value.reason)})`;
    default:
      return "(empty event)";
  }
}

export function renderExpectedEvent(spec: EventSpec): string {
  if ("request_received" in spec) {
    const r = spec.request_received;
    const info = typeof r.extension_info === "object" ? r.extension_info.repeat.repeat(r.extension_info.count) : (r.extension_info ?? "");
    return `request_received(inviter=${r.inviter}, invitee=${r.invitee}, extension_info=${textForm(info)}, layout=${r.layout ?? "HOST_DYNAMIC_GRID"})`;
  }
  if ("request_cancelled" in spec) {
    const r = spec.request_cancelled;
    return `request_cancelled(inviter=${r.inviter}, invitee=${r.invitee}, reason=${r.reason})`;
  }
  if ("request_accepted" in spec) return `request_accepted(invitee=${spec.request_accepted})`;
  if ("request_rejected" in spec)
    return `request_rejected(invitee=${spec.request_rejected.invitee}, reason=${spec.request_rejected.reason})`;
  if ("request_timeout" in spec) return `request_timeout(inviter=${spec.request_timeout.inviter}, invitee=${spec.request_timeout.invitee})`;
  if ("user_joined" in spec) return `user_joined(user=${spec.user_joined})`;
  return `user_left(user=${spec.user_left.user}, reason=${spec.user_left.reason})`;
}

export function renderMessage(message: WatchCoHostResponse, cast: Cast): string {
  const events = message.events.map((e) => renderEvent(e, cast));
  return `events=[${events.join("; ")}] ${renderState(message.state, cast)}${message.roomClosed ? " room_closed" : ""}`;
}

export function renderExpectedMessage(spec: ExpectedMessage): string {
  const events = (spec.events ?? []).map(renderExpectedEvent);
  return `events=[${events.join("; ")}] ${renderExpectedState(spec.state ?? {})}${spec.room_closed ? " room_closed" : ""}`;
}

export const defaultLayout = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
