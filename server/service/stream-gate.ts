// Caps on open WatchCoHost streams. A stream holds memory and a share of
// every change's fan-out until its client leaves, so one token must not be
// able to open them without bound (nor many tokens on one room, or one
// connection, or everyone together).
import { Code, createContextKey } from "@connectrpc/connect";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { refuse, type Outcome } from "../engine/refusal.js";

/** The HTTP connection a call arrived on (an h1 socket or an h2 session), set by the node adapter. */
export const connectionKey = createContextKey<object | undefined>(undefined, { description: "HTTP connection of the call" });

export interface StreamLimits {
  /** Streams open at once on this server instance. */
  maxStreams: number;
  maxStreamsPerUser: number;
  maxStreamsPerRoom: number;
  /** Per HTTP connection (an HTTP/2 session; an HTTP/1.1 connection carries one at a time anyway). */
  maxStreamsPerConnection: number;
}

export const defaultStreamLimits: StreamLimits = {
  maxStreams: 10_000,
  maxStreamsPerUser: 64,
  maxStreamsPerRoom: 32,
  maxStreamsPerConnection: 100,
};

export interface StreamOwner {
  user: string;
  room: string;
  /** The HTTP connection, when the call came over one. */
  connection: object | undefined;
}

export class StreamGate {
  private total = 0;
  private readonly byUser = new Map<string, number>();
  private readonly byRoom = new Map<string, number>();
  private readonly byConnection = new WeakMap<object, number>();

  constructor(private readonly limits: StreamLimits) {}

  /** Open streams on this instance. */
  get open(): number {
    return this.total;
  }

  /** Takes a slot for a stream; the returned function gives it back (once). */
  enter(owner: StreamOwner): Outcome<() => void> {
    const { maxStreams, maxStreamsPerUser, maxStreamsPerRoom, maxStreamsPerConnection } = this.limits;
    const tooMany = (what: string, max: number) =>
      refuse(Code.ResourceExhausted, CoHostErrorReason.TOO_MANY_STREAMS, `at most ${max} WatchCoHost streams per ${what}; close one first`);
    if ((this.byUser.get(owner.user) ?? 0) >= maxStreamsPerUser) return tooMany("user", maxStreamsPerUser);
    if ((this.byRoom.get(owner.room) ?? 0) >= maxStreamsPerRoom) return tooMany("room", maxStreamsPerRoom);
    const connection = owner.connection;
    if (connection && (this.byConnection.get(connection) ?? 0) >= maxStreamsPerConnection) {
      return tooMany("connection", maxStreamsPerConnection);
    }
    if (this.total >= maxStreams) {
      return refuse(
        Code.ResourceExhausted,
        CoHostErrorReason.SERVER_AT_CAPACITY,
        `this server holds its maximum of ${maxStreams} streams; retry later or elsewhere`,
      );
    }
    this.total++;
    increment(this.byUser, owner.user, 1);
    increment(this.byRoom, owner.room, 1);
    if (connection) this.byConnection.set(connection, (this.byConnection.get(connection) ?? 0) + 1);
    let released = false;
    return {
      ok: true,
      value: () => {
        if (released) return;
        released = true;
        this.total--;
        increment(this.byUser, owner.user, -1);
        increment(this.byRoom, owner.room, -1);
        if (connection) this.byConnection.set(connection, this.byConnection.get(connection)! - 1);
      },
    };
  }
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}
