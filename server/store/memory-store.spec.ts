// The in-memory store on its own: what its timers do when the work they start fails.
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { FakeClock } from "../testing/fake-clock.js";
import { MemoryStore } from "./memory-store.js";

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

afterEach(() => {
  process.off("unhandledRejection", onRejection);
  rejections.length = 0;
});

describe("memory store deadlines (finding 11)", () => {
  it("log a failed deadline callback instead of leaving an unhandled rejection", async () => {
    process.on("unhandledRejection", onRejection);
    const clock = new FakeClock();
    const lines: string[] = [];
    const store = new MemoryStore({ clock, logger: createLogger("error", (l) => lines.push(l)) });
    store.startDeadlines(async () => {
      throw new Error("transition failed");
    });
    await store.transact((tx) => tx.setDeadline("a\nb", tx.now + 1_000));
    await clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 20)); // unhandled rejections are reported after a turn
    expect(rejections).toEqual([]);
    expect(lines.map((l) => JSON.parse(l) as { msg: string; error: string })).toEqual([
      expect.objectContaining({ msg: "ending a due request failed", error: "transition failed" }),
    ]);
  });
});
