// The watch loop against a feed bus the test controls: what a stream does
// when the store's feed stops being one it can continue.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  CoHostErrorDetailSchema,
  CoHostErrorReason,
  WatchCoHostResponseSchema,
  WatchMessageKind,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostCore } from "../core.js";
import { CoHostEngine } from "../engine/engine.js";
import { noMetrics } from "../metrics/server-metrics.js";
import type { FeedBus, FeedListener } from "../store/state-store.js";
import { MemoryStore } from "../store/memory-store.js";
import { FakeClock } from "../testing/fake-clock.js";
import { watchRoom } from "./watch.js";

async function watching() {
  const clock = new FakeClock();
  const store = new MemoryStore({ clock });
  const core = new CoHostCore(store, new CoHostEngine(), clock);
  await core.openRoom({ liveId: "a", userId: "alice", userName: "A", avatarUrl: "" });
  const taps: { listener?: FeedListener; lost?: (reason: string) => void } = {};
  const feeds: FeedBus = {
    subscribe: async (liveId, listener, onLost) => {
      taps.listener = listener;
      taps.lost = onLost;
      return store.feeds.subscribe(liveId, listener, onLost);
    },
    replay: (...args) => store.feeds.replay(...args),
  };
  const stream = watchRoom(
    { core, feeds, clock, options: { keepAliveMs: 15_000, maxQueued: 64 }, metrics: noMetrics },
    "alice",
    { liveId: "a", resumeEpoch: "", resumeAfterSequence: 0 },
    new AbortController().signal,
  );
  const first = (await stream.next()).value as WatchCoHostResponse;
  expect(first.kind).toBe(WatchMessageKind.SNAPSHOT);
  return { stream, first, taps };
}

async function endOf(stream: AsyncGenerator<WatchCoHostResponse>): Promise<string> {
  try {
    for (;;) if ((await stream.next()).done) return "ended";
  } catch (err) {
    const e = ConnectError.from(err);
    return `${Code[e.code]}/${CoHostErrorReason[e.findDetails(CoHostErrorDetailSchema)[0]?.reason ?? 0]}`;
  }
}

describe("a watch whose feed cannot be continued (finding 7)", () => {
  it("ends with UNAVAILABLE / STORE_UNAVAILABLE on a message of another epoch, instead of skipping it forever", async () => {
    const { stream, first, taps } = await watching();
    const restarted = create(WatchCoHostResponseSchema, { kind: WatchMessageKind.CHANGE, epoch: `${first.epoch}-new`, sequence: 1n });
    taps.listener!(restarted);
    expect(await endOf(stream)).toBe("Unavailable/STORE_UNAVAILABLE");
  });

  it("ends with UNAVAILABLE / STORE_UNAVAILABLE when the store reports the feed lost", async () => {
    const { stream, taps } = await watching();
    taps.lost!("the connection to the store broke");
    expect(await endOf(stream)).toBe("Unavailable/STORE_UNAVAILABLE");
  });
});
