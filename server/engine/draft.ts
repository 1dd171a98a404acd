import { WatchMessageKind, type CoHostEvent } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { ConnectionRecord, RoomRecord } from "./records.js";
import type { Transaction } from "./transaction.js";
import { stateOf } from "./views.js";

/**
 * The working copy of one transition. Rooms are loaded (and their due
 * requests ended, R7) before anything is changed; changes collect the events
 * each room receives; `finish` turns them into one CHANGE per touched room
 * (R15) and writes every changed record at once (R20).
 */
export class Draft {
  private readonly rooms = new Map<string, RoomRecord | null>();
  private readonly settled = new Set<string>();
  private readonly connections = new Map<string, ConnectionRecord | null>();
  private readonly dirtyRooms = new Set<string>();
  private readonly dirtyConnections = new Set<string>();
  private readonly touched = new Map<string, CoHostEvent[]>();
  private mutated = false;

  constructor(
    readonly tx: Transaction,
    /** Ends one due request (R7); called while loading, before any change. */
    private readonly onDue: (draft: Draft, from: string, to: string) => void,
  ) {}

  get now(): number {
    return this.tx.now;
  }

  /** The room as the rules see it now: due requests to and from it have ended. */
  load(liveId: string): RoomRecord | undefined {
    const room = this.raw(liveId);
    if (!room || this.settled.has(liveId)) return room;
    // A due incoming request ends with all of its inviter's due requests, so
    // the inviter's feed carries its timeouts in deadline order (R7).
    if (room.incoming && room.incoming.deadline <= this.now) this.load(room.incoming.from.liveId);
    this.settled.add(liveId);
    const due: { from: string; to: string; deadline: number }[] = [];
    for (const r of room.outgoing) if (r.deadline <= this.now) due.push({ from: liveId, to: r.to.liveId, deadline: r.deadline });
    if (room.incoming && room.incoming.deadline <= this.now) {
      due.push({ from: room.incoming.from.liveId, to: liveId, deadline: room.incoming.deadline });
    }
    if (due.length > 0 && this.mutated) {
      throw new Error(`engine bug: room ${liveId} loaded after the transition started changing state`);
    }
    due.sort((a, b) => a.deadline - b.deadline);
    for (const d of due) {
      this.onDue(this, d.from, d.to);
      this.flush(); // each timeout is its own CHANGE, before the call's own
    }
    this.mutated = false;
    return room;
  }

  /** The working copy without ending due requests (for the other side of one). */
  raw(liveId: string): RoomRecord | undefined {
    let room = this.rooms.get(liveId);
    if (room === undefined) {
      const stored = this.tx.getRoom(liveId);
      room = stored ? { ...stored, outgoing: [...stored.outgoing], bucket: { ...stored.bucket } } : null;
      this.rooms.set(liveId, room);
    }
    return room ?? undefined;
  }

  /** A room that `load` or `raw` returned earlier in this transition. */
  loaded(liveId: string): RoomRecord {
    const room = this.rooms.get(liveId);
    if (!room) throw new Error(`engine bug: room ${liveId} used before it was loaded`);
    return room;
  }

  connection(id: string): ConnectionRecord | undefined {
    if (!id) return undefined;
    let connection = this.connections.get(id);
    if (connection === undefined) {
      const stored = this.tx.getConnection(id);
      connection = stored ? { ...stored, members: [...stored.members] } : null;
      this.connections.set(id, connection);
    }
    return connection ?? undefined;
  }

  /** Marks a room changed by this transition, with the events it receives. */
  touch(liveId: string, ...events: CoHostEvent[]): void {
    this.mutated = true;
    this.dirtyRooms.add(liveId);
    const list = this.touched.get(liveId);
    if (list) list.push(...events);
    else this.touched.set(liveId, [...events]);
  }

  /** Records a changed room (e.g. its rate bucket) without a feed message. */
  markDirty(liveId: string): void {
    this.dirtyRooms.add(liveId);
  }

  putConnection(connection: ConnectionRecord): void {
    this.mutated = true;
    this.connections.set(connection.id, connection);
    this.dirtyConnections.add(connection.id);
  }

  deleteConnection(id: string): void {
    this.mutated = true;
    this.connections.set(id, null);
    this.dirtyConnections.add(id);
  }

  createRoom(room: RoomRecord): void {
    this.mutated = true;
    this.rooms.set(room.host.liveId, room);
    this.settled.add(room.host.liveId);
    this.dirtyRooms.add(room.host.liveId);
  }

  /**
   * Sends the room's final CHANGE (empty state, `room_closed`) with the
   * events collected for it, then removes it (R13).
   */
  closeRoom(liveId: string): void {
    const room = this.loaded(liveId);
    const events = this.touched.get(liveId) ?? [];
    this.touched.delete(liveId);
    this.appendChange(room, undefined, events, true);
    this.rooms.set(liveId, null);
    this.dirtyRooms.add(liveId);
  }

  /** Emits the CHANGE messages collected so far, one per touched room. */
  flush(): void {
    for (const [liveId, events] of this.touched) {
      const room = this.loaded(liveId);
      this.appendChange(room, room, events, false);
    }
    this.touched.clear();
  }

  /** Emits the pending messages and writes every changed record. */
  finish(): void {
    this.flush();
    for (const id of this.dirtyConnections) {
      const connection = this.connections.get(id);
      if (connection) this.tx.putConnection(connection);
      else this.tx.deleteConnection(id);
    }
    for (const liveId of this.dirtyRooms) {
      const room = this.rooms.get(liveId);
      if (room) this.tx.putRoom(room);
      else this.tx.deleteRoom(liveId);
    }
  }

  private appendChange(room: RoomRecord, stateRoom: RoomRecord | undefined, events: CoHostEvent[], roomClosed: boolean) {
    room.sequence += 1;
    const connection = stateRoom ? this.connection(stateRoom.connectionId) : undefined;
    this.tx.appendFeed(room.host.liveId, {
      $typeName: "cohost.v1.WatchCoHostResponse",
      kind: WatchMessageKind.CHANGE,
      epoch: room.epoch,
      sequence: BigInt(room.sequence),
      state: stateOf(stateRoom, connection),
      events,
      roomClosed,
      keepAliveInterval: undefined,
    });
  }
}
