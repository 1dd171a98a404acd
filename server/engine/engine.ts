// The rules of SEMANTICS.md as one state machine. Every public method is one
// atomic transition over a Transaction (R20): it reads, decides, and either
// refuses (changing nothing but the requests that were due anyway, R7) or
// applies completely. No I/O, no clock of its own.
import {
  CancelReason,
  CoHostErrorReason,
  LeaveReason,
  RejectReason,
  type CoHostLayoutTemplate,
  type CoHostState,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { Draft } from "./draft.js";
import { capacityFor } from "./layouts.js";
import { requestKey, type ConnectionRecord, type HostInfo, type OutgoingRequest, type RoomRecord } from "./records.js";
import { refusals, success, type Outcome } from "./refusal.js";
import type { StoredOutcome, Transaction } from "./transaction.js";
import { events, stateOf } from "./views.js";

export interface EngineConfig {
  /** R19: a room may send `burst` requests at once, then `refillPerSecond`. */
  rateLimit: { burst: number; refillPerSecond: number };
  /** R18: how long a request_id is remembered. */
  idempotencyTtlMs: number;
}

export const defaultEngineConfig: EngineConfig = {
  rateLimit: { burst: 20, refillPerSecond: 2 },
  idempotencyTtlMs: 10 * 60_000,
};

/** Where a room's feed stands: the CHANGE a call produced (R15). */
export interface FeedPosition {
  epoch: string;
  sequence: number;
}

export interface RequestSent {
  deadline: number;
  position: FeedPosition;
}

/** R18: `key` is unique per user and request_id; `fingerprint` is the call. */
export interface IdempotencyKey {
  key: string;
  fingerprint: string;
}

export interface RoomSnapshot {
  host: HostInfo;
  state: CoHostState;
  position: FeedPosition;
  outgoing: OutgoingRequest[];
  /** The room and the members of its connection, for R17. */
  connectedLiveIds: string[];
}

export interface ConnectionCommand {
  liveId: string;
  target: string;
  layout: CoHostLayoutTemplate;
  timeoutSeconds: number;
  extraInfo: string;
}

export class CoHostEngine {
  constructor(readonly config: EngineConfig = defaultEngineConfig) {}

  // ---- admin (R1, R13) ----------------------------------------------------

  openRoom(tx: Transaction, host: HostInfo): Outcome<RoomSnapshot> {
    const draft = this.draft(tx);
    const existing = draft.load(host.liveId);
    if (existing) {
      const same =
        existing.host.userId === host.userId && existing.host.userName === host.userName && existing.host.avatarUrl === host.avatarUrl;
      draft.finish();
      return same ? success(this.snapshot(draft, existing)) : refusals.roomAlreadyOpen(host.liveId);
    }
    const room: RoomRecord = {
      host: { ...host },
      epoch: tx.newId(),
      sequence: 0,
      connectionId: "",
      outgoing: [],
      incoming: null,
      bucket: { tokens: this.config.rateLimit.burst, updatedAt: tx.now },
    };
    draft.createRoom(room);
    draft.finish();
    return success(this.snapshot(draft, room));
  }

  closeRoom(tx: Transaction, liveId: string): Outcome<void> {
    const draft = this.draft(tx);
    const room = draft.load(liveId);
    if (!room) return this.done(draft, refusals.roomNotFound(liveId, "live_id"));
    this.loadNeighbourhood(draft, room);
    if (room.connectionId) this.leaveConnection(draft, room, LeaveReason.ROOM_CLOSED);
    this.cancelOutgoing(draft, room, CancelReason.INVITER_ROOM_CLOSED);
    if (room.incoming) {
      const inviter = draft.loaded(room.incoming.from.liveId);
      this.endRequest(draft, inviter, room);
      draft.touch(inviter.host.liveId, events.requestRejected(room.host, RejectReason.INVITEE_ROOM_CLOSED));
    }
    draft.closeRoom(liveId);
    return this.done(draft, success(undefined));
  }

  /** Reads a room after ending its due requests; undefined when not open. */
  readRoom(tx: Transaction, liveId: string): RoomSnapshot | undefined {
    const draft = this.draft(tx);
    const room = draft.load(liveId);
    draft.finish();
    return room ? this.snapshot(draft, room) : undefined;
  }

  /** R2 for calls that change nothing (WatchCoHost, GetCoHostCandidates). */
  hostRoom(tx: Transaction, caller: string, liveId: string): Outcome<RoomSnapshot> {
    const draft = this.draft(tx);
    const room = this.callerRoom(draft, caller, liveId);
    if (!room.ok) return this.done(draft, room);
    return this.done(draft, success(this.snapshot(draft, room.value)));
  }

  /** Ends the due requests of room `from` (R7); the deadline timer's entry point. Returns how many ended. */
  expireRequest(tx: Transaction, from: string): number {
    let ended = 0;
    const draft = new Draft(tx, (d, f, t) => {
      ended++;
      this.timeOut(d, f, t);
    });
    draft.load(from);
    draft.finish();
    return ended;
  }

  // ---- host calls (R4, R8-R12) -------------------------------------------

  requestConnection(tx: Transaction, caller: string, cmd: ConnectionCommand, idempotency?: IdempotencyKey): Outcome<RequestSent> {
    return this.idempotent(tx, caller, cmd.liveId, idempotency, (draft) => {
      const inviter = this.callerRoom(draft, caller, cmd.liveId);
      if (!inviter.ok) return inviter;
      const a = inviter.value;
      const limited = this.takeRateToken(draft, a);
      if (limited) return limited;
      if (cmd.target === cmd.liveId) return refusals.selfRequest();
      const b = draft.load(cmd.target);
      if (!b) return refusals.roomNotFound(cmd.target, "target_host_live_id");
      const refusal = this.requestRefusal(draft, a, b, cmd.layout);
      if (refusal) return refusal;

      const deadline = draft.now + cmd.timeoutSeconds * 1000;
      const request: OutgoingRequest = {
        to: b.host,
        layout: cmd.layout,
        extraInfo: cmd.extraInfo,
        createdAt: draft.now,
        deadline,
      };
      a.outgoing.push(request);
      b.incoming = { from: a.host, deadline };
      draft.tx.setDeadline(requestKey(a.host.liveId, b.host.liveId), deadline);
      draft.touch(a.host.liveId);
      draft.touch(b.host.liveId, events.requestReceived(a.host, request));
      return success({ deadline, position: this.positionAfter(draft, a) });
    });
  }

  cancelConnection(
    tx: Transaction,
    caller: string,
    cmd: { liveId: string; to: string },
    idempotency?: IdempotencyKey,
  ): Outcome<{ position: FeedPosition }> {
    return this.idempotent(tx, caller, cmd.liveId, idempotency, (draft) => {
      const inviter = this.callerRoom(draft, caller, cmd.liveId);
      if (!inviter.ok) return inviter;
      const a = inviter.value;
      if (!a.outgoing.some((r) => r.to.liveId === cmd.to)) return refusals.requestNotFound("to_host_live_id");
      const b = draft.load(cmd.to);
      if (!b) throw new Error(`engine bug: pending request to closed room ${cmd.to}`);
      this.endRequest(draft, a, b);
      draft.touch(a.host.liveId);
      draft.touch(b.host.liveId, events.requestCancelled(a.host, b.host, CancelReason.CANCELLED_BY_INVITER));
      return success({ position: this.positionAfter(draft, a) });
    });
  }

  acceptConnection(
    tx: Transaction,
    caller: string,
    cmd: { liveId: string; from: string },
    idempotency?: IdempotencyKey,
  ): Outcome<{ position: FeedPosition }> {
    return this.idempotent(tx, caller, cmd.liveId, idempotency, (draft) => {
      const invitee = this.callerRoom(draft, caller, cmd.liveId);
      if (!invitee.ok) return invitee;
      const b = invitee.value;
      if (b.incoming?.from.liveId !== cmd.from) return refusals.requestNotFound("from_host_live_id");
      const a = draft.load(cmd.from);
      const request = a?.outgoing.find((r) => r.to.liveId === b.host.liveId);
      if (!a || !request) throw new Error(`engine bug: ${cmd.from} -> ${cmd.liveId} mirrored on one side only`);
      const existing = draft.connection(a.connectionId);
      for (const member of existing?.members ?? []) draft.load(member.liveId);

      this.endRequest(draft, a, b);
      const connection: ConnectionRecord = existing ?? { id: draft.tx.newId(), layout: request.layout, members: [a.host] };
      const others = connection.members;
      connection.members = [...others, b.host];
      a.connectionId = connection.id;
      b.connectionId = connection.id;
      draft.putConnection(connection);
      draft.touch(a.host.liveId, events.requestAccepted(b.host), events.userJoined(b.host));
      for (const member of others) {
        if (member.liveId !== a.host.liveId) draft.touch(member.liveId, events.userJoined(b.host));
      }
      draft.touch(b.host.liveId, ...others.map((m) => events.userJoined(m)));
      return success({ position: this.positionAfter(draft, b) });
    });
  }

  rejectConnection(
    tx: Transaction,
    caller: string,
    cmd: { liveId: string; from: string },
    idempotency?: IdempotencyKey,
  ): Outcome<{ position: FeedPosition }> {
    return this.idempotent(tx, caller, cmd.liveId, idempotency, (draft) => {
      const invitee = this.callerRoom(draft, caller, cmd.liveId);
      if (!invitee.ok) return invitee;
      const b = invitee.value;
      if (b.incoming?.from.liveId !== cmd.from) return refusals.requestNotFound("from_host_live_id");
      const a = draft.load(cmd.from);
      if (!a) throw new Error(`engine bug: pending request from closed room ${cmd.from}`);
      this.endRequest(draft, a, b);
      draft.touch(b.host.liveId);
      draft.touch(a.host.liveId, events.requestRejected(b.host, RejectReason.REJECTED_BY_INVITEE));
      return success({ position: this.positionAfter(draft, b) });
    });
  }

  exitConnection(
    tx: Transaction,
    caller: string,
    cmd: { liveId: string },
    idempotency?: IdempotencyKey,
  ): Outcome<{ position: FeedPosition }> {
    return this.idempotent(tx, caller, cmd.liveId, idempotency, (draft) => {
      const member = this.callerRoom(draft, caller, cmd.liveId);
      if (!member.ok) return member;
      const a = member.value;
      if (!a.connectionId) return refusals.notConnected();
      this.loadNeighbourhood(draft, a);
      this.leaveConnection(draft, a, LeaveReason.EXITED);
      this.cancelOutgoing(draft, a, CancelReason.INVITER_EXITED);
      draft.touch(a.host.liveId);
      return success({ position: this.positionAfter(draft, a) });
    });
  }

  // ---- rules ---------------------------------------------------------------

  /** R2, R5 step 3: the caller's room must be open and the caller its host. */
  private callerRoom(draft: Draft, caller: string, liveId: string): Outcome<RoomRecord> {
    const room = draft.load(liveId);
    if (!room) return refusals.roomNotFound(liveId, "live_id");
    if (room.host.userId !== caller) return refusals.notRoomHost(liveId);
    return success(room);
  }

  /** R19: one token per request attempt; the bucket refills continuously. */
  private takeRateToken(draft: Draft, room: RoomRecord): Outcome<never> | undefined {
    const { burst, refillPerSecond } = this.config.rateLimit;
    const elapsed = Math.max(0, draft.now - room.bucket.updatedAt);
    const tokens = Math.min(burst, room.bucket.tokens + (elapsed / 1000) * refillPerSecond);
    if (tokens < 1) {
      return refusals.rateLimited(Math.ceil(((1 - tokens) / refillPerSecond) * 1000));
    }
    room.bucket = { tokens: tokens - 1, updatedAt: draft.now };
    draft.markDirty(room.host.liveId);
    return undefined;
  }

  /** R5 steps 7-12, in order, for a request from `a` to `b`. */
  private requestRefusal(draft: Draft, a: RoomRecord, b: RoomRecord, layout: CoHostLayoutTemplate) {
    if (a.incoming) return refusals.pendingIncoming();
    const sameConnection = a.connectionId !== "" && a.connectionId === b.connectionId;
    if (sameConnection || a.outgoing.some((r) => r.to.liveId === b.host.liveId)) {
      return refusals.alreadyInvitedOrConnected();
    }
    if (b.connectionId) return refusals.targetConnectedElsewhere();
    if (b.incoming || b.outgoing.length > 0) return refusals.targetBusy();
    const connection = draft.connection(a.connectionId);
    const agreedLayout = connection?.layout ?? a.outgoing[0]?.layout;
    if (agreedLayout !== undefined && agreedLayout !== layout) return refusals.layoutMismatch();
    if (this.roomsCounted(draft, a, connection) + 1 > capacityFor(layout)) {
      return refusals.connectionFull();
    }
    return undefined;
  }

  /** R5 step 12: members of a's connection (or a alone) plus all their pending requests. */
  private roomsCounted(draft: Draft, a: RoomRecord, connection: ConnectionRecord | undefined): number {
    if (!connection) return 1 + a.outgoing.length;
    let count = 0;
    for (const member of connection.members) {
      count += 1 + (draft.load(member.liveId)?.outgoing.length ?? 0);
    }
    return count;
  }

  /** Loads every room a leave or close will touch, before anything changes. */
  private loadNeighbourhood(draft: Draft, room: RoomRecord): void {
    for (const member of draft.connection(room.connectionId)?.members ?? []) draft.load(member.liveId);
    for (const request of [...room.outgoing]) draft.load(request.to.liveId);
    if (room.incoming) draft.load(room.incoming.from.liveId);
  }

  /** R11, R12: `room` leaves its connection; a connection of one dissolves. */
  private leaveConnection(draft: Draft, room: RoomRecord, reason: LeaveReason): void {
    const connection = draft.connection(room.connectionId);
    if (!connection) throw new Error(`engine bug: ${room.host.liveId} in missing connection`);
    const liveId = room.host.liveId;
    const remaining = connection.members.filter((m) => m.liveId !== liveId);
    room.connectionId = "";
    draft.touch(liveId, ...connection.members.filter((m) => m.liveId !== liveId).map((m) => events.userLeft(m, LeaveReason.SELF_LEFT)));
    if (remaining.length === 0) {
      draft.deleteConnection(connection.id);
      return;
    }
    for (const m of remaining) draft.touch(m.liveId, events.userLeft(room.host, reason));
    if (remaining.length === 1) {
      draft.loaded(remaining[0]!.liveId).connectionId = "";
      draft.deleteConnection(connection.id);
    } else {
      draft.putConnection({ ...connection, members: remaining });
    }
  }

  /** R12, R13: every request `room` has pending is cancelled. */
  private cancelOutgoing(draft: Draft, room: RoomRecord, reason: CancelReason): void {
    for (const request of [...room.outgoing]) {
      const invitee = draft.loaded(request.to.liveId);
      this.endRequest(draft, room, invitee);
      draft.touch(invitee.host.liveId, events.requestCancelled(room.host, invitee.host, reason));
    }
    draft.touch(room.host.liveId);
  }

  /** R7: a request whose deadline passed ends; both sides hear of it. */
  private timeOut(draft: Draft, from: string, to: string): void {
    const a = draft.raw(from);
    const b = draft.raw(to);
    if (!a || !b) throw new Error(`engine bug: pending request ${from} -> ${to} with a closed side`);
    this.endRequest(draft, a, b);
    draft.touch(a.host.liveId, events.requestTimeout(a.host, b.host));
    draft.touch(b.host.liveId, events.requestTimeout(a.host, b.host));
  }

  /** Removes request a -> b from both sides (R14: invitees/applicant mirror). */
  private endRequest(draft: Draft, a: RoomRecord, b: RoomRecord): void {
    a.outgoing = a.outgoing.filter((r) => r.to.liveId !== b.host.liveId);
    if (b.incoming?.from.liveId === a.host.liveId) b.incoming = null;
    draft.tx.clearDeadline(requestKey(a.host.liveId, b.host.liveId));
  }

  // ---- plumbing --------------------------------------------------------------

  private draft(tx: Transaction): Draft {
    return new Draft(tx, (draft, from, to) => this.timeOut(draft, from, to));
  }

  private done<T>(draft: Draft, outcome: Outcome<T>): Outcome<T> {
    draft.finish();
    return outcome;
  }

  /**
   * R18: a retried request_id gets the first outcome, not a second action.
   * A record belongs to the incarnation (epoch) of the room the call named:
   * once that room was closed and opened again, possibly for another host,
   * the old outcome is void and the retry acts as a first call.
   */
  private idempotent<T>(
    tx: Transaction,
    caller: string,
    liveId: string,
    idempotency: IdempotencyKey | undefined,
    run: (draft: Draft) => Outcome<T>,
  ): Outcome<T> {
    const epoch = tx.getRoom(liveId)?.epoch ?? "";
    if (idempotency) {
      const prior = tx.getIdempotency(idempotency.key);
      const reopened = prior?.epoch && epoch && prior.epoch !== epoch;
      if (prior && !reopened) {
        return prior.fingerprint === idempotency.fingerprint ? (prior.outcome as Outcome<T>) : refusals.requestIdReused();
      }
    }
    const draft = this.draft(tx);
    const outcome = run(draft);
    draft.finish();
    const rateLimited = !outcome.ok && outcome.refusal.reason === CoHostErrorReason.RATE_LIMITED;
    if (idempotency && !rateLimited) {
      tx.putIdempotency(
        idempotency.key,
        { fingerprint: idempotency.fingerprint, outcome: outcome as StoredOutcome, epoch },
        this.config.idempotencyTtlMs,
        caller,
      );
    }
    return outcome;
  }

  /** The caller's feed position once this transition's messages are out. */
  private positionAfter(draft: Draft, room: RoomRecord): FeedPosition {
    draft.flush();
    return { epoch: room.epoch, sequence: room.sequence };
  }

  private snapshot(draft: Draft, room: RoomRecord): RoomSnapshot {
    const connection = draft.connection(room.connectionId);
    return {
      host: room.host,
      state: stateOf(room, connection),
      position: { epoch: room.epoch, sequence: room.sequence },
      outgoing: room.outgoing,
      connectedLiveIds: connection ? connection.members.map((m) => m.liveId) : [room.host.liveId],
    };
  }
}
