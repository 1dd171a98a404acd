import type { Clock } from "./clock.js";
import {
  type CoHostEngine,
  type ConnectionCommand,
  type FeedPosition,
  type IdempotencyKey,
  type RequestSent,
  type RoomSnapshot,
} from "./engine/engine.js";
import { parseRequestKey, type HostInfo } from "./engine/records.js";
import type { Outcome } from "./engine/refusal.js";
import { noMetrics, type ServerMetrics } from "./metrics/server-metrics.js";
import type { StateStore } from "./store/state-store.js";

/**
 * The engine bound to a store: each call is one atomic transition. This is
 * what the services call; it knows no transport.
 */
export class CoHostCore {
  constructor(
    readonly store: StateStore,
    readonly engine: CoHostEngine,
    readonly clock: Clock,
    metrics: Pick<ServerMetrics, "deadlineFired"> = noMetrics,
  ) {
    store.startDeadlines(async (key, dueAt) => {
      const { from } = parseRequestKey(key);
      const ended = await store.transact((tx) => engine.expireRequest(tx, from), { rooms: [from] });
      if (ended > 0) metrics.deadlineFired(clock.now() - dueAt);
    });
  }

  openRoom(host: HostInfo): Promise<Outcome<RoomSnapshot>> {
    return this.store.transact((tx) => this.engine.openRoom(tx, host), { rooms: [host.liveId] });
  }

  closeRoom(liveId: string): Promise<Outcome<void>> {
    return this.store.transact((tx) => this.engine.closeRoom(tx, liveId), { rooms: [liveId] });
  }

  readRoom(liveId: string): Promise<RoomSnapshot | undefined> {
    return this.store.transact((tx) => this.engine.readRoom(tx, liveId), { rooms: [liveId] });
  }

  hostRoom(caller: string, liveId: string): Promise<Outcome<RoomSnapshot>> {
    return this.store.transact((tx) => this.engine.hostRoom(tx, caller, liveId), { rooms: [liveId] });
  }

  requestConnection(caller: string, cmd: ConnectionCommand, idem?: IdempotencyKey): Promise<Outcome<RequestSent>> {
    return this.store.transact((tx) => this.engine.requestConnection(tx, caller, cmd, idem), {
      rooms: [cmd.liveId, cmd.target],
      idempotency: idem?.key,
    });
  }

  cancelConnection(caller: string, liveId: string, to: string, idem?: IdempotencyKey): Promise<Outcome<{ position: FeedPosition }>> {
    return this.store.transact((tx) => this.engine.cancelConnection(tx, caller, { liveId, to }, idem), {
      rooms: [liveId, to],
      idempotency: idem?.key,
    });
  }

  acceptConnection(caller: string, liveId: string, from: string, idem?: IdempotencyKey): Promise<Outcome<{ position: FeedPosition }>> {
    return this.store.transact((tx) => this.engine.acceptConnection(tx, caller, { liveId, from }, idem), {
      rooms: [liveId, from],
      idempotency: idem?.key,
    });
  }

  rejectConnection(caller: string, liveId: string, from: string, idem?: IdempotencyKey): Promise<Outcome<{ position: FeedPosition }>> {
    return this.store.transact((tx) => this.engine.rejectConnection(tx, caller, { liveId, from }, idem), {
      rooms: [liveId, from],
      idempotency: idem?.key,
    });
  }

  exitConnection(caller: string, liveId: string, idem?: IdempotencyKey): Promise<Outcome<{ position: FeedPosition }>> {
    return this.store.transact((tx) => this.engine.exitConnection(tx, caller, { liveId }, idem), {
      rooms: [liveId],
      idempotency: idem?.key,
    });
  }
}
