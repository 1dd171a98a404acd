// A CoHostCore on the in-memory store with a fake clock, plus readable views
// of feeds and states, for the engine's tests.
import {
  CoHostErrorReasonSchema,
  CoHostLayoutTemplate,
  type CoHostEvent,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostCore } from "../core.js";
import { CoHostEngine, defaultEngineConfig, type EngineConfig, type IdempotencyKey } from "../engine/engine.js";
import type { Outcome } from "../engine/refusal.js";
import { MemoryStore, type MemoryStoreOptions } from "../store/memory-store.js";
import { FakeClock } from "./fake-clock.js";

export const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;

/** One event as a short string: "received(a>b)", "joined(c)", ... */
export function describeEvent(event: CoHostEvent): string {
  const e = event.event;
  switch (e.case) {
    case "requestReceived":
      return `received(${e.value.inviter?.liveId}>${e.value.invitee?.liveId})`;
    case "requestCancelled":
      return `cancelled(${e.value.inviter?.liveId}>${e.value.invitee?.liveId})`;
    case "requestAccepted":
      return `accepted(${e.value.invitee?.liveId})`;
    case "requestRejected":
      return `rejected(${e.value.invitee?.liveId})`;
    case "requestTimeout":
      return `timeout(${e.value.inviter?.liveId}>${e.value.invitee?.liveId})`;
    case "userJoined":
      return `joined(${e.value.userInfo?.liveId})`;
    case "userLeft":
      return `left(${e.value.userInfo?.liveId})`;
    default:
      return "none";
  }
}

export interface StateView {
  connected: string[];
  invitees: string[];
  applicant: string;
}

export class Harness {
  readonly clock = new FakeClock();
  readonly store: MemoryStore;
  readonly core: CoHostCore;
  readonly feeds = new Map<string, WatchCoHostResponse[]>();
  private readonly unsubscribe = new Map<string, () => void>();

  constructor(config: Partial<EngineConfig> = {}, store: Omit<MemoryStoreOptions, "clock"> = {}) {
    this.store = new MemoryStore({ ...store, clock: this.clock });
    this.core = new CoHostCore(this.store, new CoHostEngine({ ...defaultEngineConfig, ...config }), this.clock);
  }

  static userOf(liveId: string): string {
    return `user-${liveId}`;
  }

  async open(...liveIds: string[]): Promise<void> {
    for (const liveId of liveIds) {
      const feed: WatchCoHostResponse[] = [];
      this.feeds.set(liveId, feed);
      this.unsubscribe.get(liveId)?.();
      this.unsubscribe.set(liveId, await this.store.feeds.subscribe(liveId, (m) => feed.push(m)));
      const outcome = await this.core.openRoom({
        liveId,
        userId: Harness.userOf(liveId),
        userName: `Host ${liveId.toUpperCase()}`,
        avatarUrl: `https://example.test/${liveId}.png`,
      });
      if (!outcome.ok) throw new Error(`open ${liveId}: ${outcome.refusal.message}`);
    }
  }

  request(
    from: string,
    to: string,
    options: { layout?: CoHostLayoutTemplate; timeout?: number; extra?: string; idem?: IdempotencyKey; caller?: string } = {},
  ) {
    return this.core.requestConnection(
      options.caller ?? Harness.userOf(from),
      {
        liveId: from,
        target: to,
        layout: options.layout ?? GRID,
        timeoutSeconds: options.timeout ?? 30,
        extraInfo: options.extra ?? "",
      },
      options.idem,
    );
  }

  cancel(from: string, to: string, idem?: IdempotencyKey) {
    return this.core.cancelConnection(Harness.userOf(from), from, to, idem);
  }

  accept(invitee: string, from: string, idem?: IdempotencyKey) {
    return this.core.acceptConnection(Harness.userOf(invitee), invitee, from, idem);
  }

  reject(invitee: string, from: string, idem?: IdempotencyKey) {
    return this.core.rejectConnection(Harness.userOf(invitee), invitee, from, idem);
  }

  exit(liveId: string, idem?: IdempotencyKey) {
    return this.core.exitConnection(Harness.userOf(liveId), liveId, idem);
  }

  close(liveId: string) {
    return this.core.closeRoom(liveId);
  }

  async state(liveId: string): Promise<StateView> {
    const room = await this.core.readRoom(liveId);
    if (!room) throw new Error(`room ${liveId} is not open`);
    return {
      connected: room.state.connected.map((s) => s.liveId),
      invitees: room.state.invitees.map((s) => s.liveId),
      applicant: room.state.applicant?.liveId ?? "",
    };
  }

  /** All events a room received so far, in order. */
  events(liveId: string): string[] {
    return (this.feeds.get(liveId) ?? []).flatMap((m) => m.events.map(describeEvent));
  }

  /** Forgets recorded feed messages, so a test can look at what comes next. */
  clearFeeds(): void {
    for (const feed of this.feeds.values()) feed.length = 0;
  }

  messages(liveId: string): WatchCoHostResponse[] {
    return this.feeds.get(liveId) ?? [];
  }
}

/** The refusal reason of an outcome, or "ok". */
export function reasonOf(outcome: Outcome<unknown>): string {
  return outcome.ok ? "ok" : reasonName(outcome.refusal.reason);
}

export function reasonName(reason: number): string {
  return CoHostErrorReasonSchema.values.find((v) => v.number === reason)?.localName ?? String(reason);
}
