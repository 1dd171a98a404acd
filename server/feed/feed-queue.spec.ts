// The per-watcher queue keeps one idle timer instead of one per message:
// "idle" must still come exactly idleMs after the wait began, whatever
// arrived before, and nothing may be left scheduled once the queue closes.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { WatchCoHostResponseSchema, WatchMessageKind } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { FakeClock } from "../testing/fake-clock.js";
import { FeedQueue, type Next } from "./feed-queue.js";

const change = (sequence: number) => create(WatchCoHostResponseSchema, { kind: WatchMessageKind.CHANGE, sequence: BigInt(sequence) });

/** Starts `next` and reports whether it has settled, and with what. */
function pending(p: Promise<Next>) {
  const state: { result?: Next } = {};
  void p.then((r) => (state.result = r));
  return state;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("FeedQueue", () => {
  it("hands out messages in order, each once, with their commit time", async () => {
    const clock = new FakeClock();
    const q = new FeedQueue(8, clock);
    const signal = new AbortController().signal;
    q.push(change(1), 10);
    q.push(change(2));
    expect(await q.next(signal, 1_000)).toEqual({ kind: "message", message: change(1), committedAt: 10 });
    expect(await q.next(signal, 1_000)).toEqual({ kind: "message", message: change(2), committedAt: undefined });
    const waiting = pending(q.next(signal, 1_000));
    q.push(change(3));
    await settle();
    expect(waiting.result).toEqual({ kind: "message", message: change(3), committedAt: undefined });
    q.close();
  });

  it("reports idle exactly idleMs after the wait began, though earlier waits ended sooner", async () => {
    const clock = new FakeClock();
    const q = new FeedQueue(8, clock);
    const signal = new AbortController().signal;
    // A wait that a message ends after 400 ms leaves the timer of that wait behind.
    const first = pending(q.next(signal, 1_000));
    await clock.advance(400);
    q.push(change(1));
    await settle();
    expect(first.result?.kind).toBe("message");
    // The next wait begins at 400 ms: not idle at 1,000 ms (the old timer), idle at 1,400 ms.
    const second = pending(q.next(signal, 1_000));
    await clock.advance(999);
    await settle();
    expect(second.result).toBeUndefined();
    await clock.advance(1);
    await settle();
    expect(second.result).toEqual({ kind: "idle" });
    q.close();
    expect(clock.pending()).toBe(0);
  });

  it("reports aborted when the signal fires during a wait or before one", async () => {
    const clock = new FakeClock();
    const q = new FeedQueue(8, clock);
    const abort = new AbortController();
    const waiting = pending(q.next(abort.signal, 1_000));
    abort.abort();
    await settle();
    expect(waiting.result).toEqual({ kind: "aborted" });
    expect(await q.next(abort.signal, 1_000)).toEqual({ kind: "aborted" });
    q.close();
    expect(clock.pending()).toBe(0);
  });

  it("reports overflow past its limit, and lost before anything queued", async () => {
    const clock = new FakeClock();
    const signal = new AbortController().signal;
    const full = new FeedQueue(2, clock);
    for (let i = 1; i <= 3; i++) full.push(change(i));
    expect(await full.next(signal, 1_000)).toEqual({ kind: "overflow" });
    const failing = new FeedQueue(8, clock);
    failing.push(change(1));
    failing.fail("store connection broke");
    expect(await failing.next(signal, 1_000)).toEqual({ kind: "lost", reason: "store connection broke" });
  });
});
