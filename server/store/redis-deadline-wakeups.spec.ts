// Every instance watches the deadline index; a commit that adds a deadline
// tells the others how far ahead it is, so an instance looks at the index
// early only when its own timer would look too late. Counted with MONITOR on
// a redis-server of the test's own (the shared one sees other tests' commands).
import { type Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostCore } from "../core.js";
import { CoHostEngine } from "../engine/engine.js";
import { OwnRedis } from "../testing/own-redis.js";
import { RedisStore } from "./redis-store.js";

const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
const prefix = "wakeups:";
const clock = { now: () => Date.now() };
const host = (id: string) => ({ liveId: id, userId: `u-${id}`, userName: id, avatarUrl: "" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: OwnRedis | undefined;
const stores: RedisStore[] = [];
const monitors: Redis[] = [];
afterEach(async () => {
  for (const m of monitors.splice(0)) m.disconnect();
  for (const s of stores.splice(0)) await s.close();
  await redis?.stop();
  redis = undefined;
});

/** Two instances with a long poll interval, and a count of their looks at the deadline index. */
async function pair() {
  redis = await OwnRedis.start();
  const cores: CoHostCore[] = [];
  for (let i = 0; i < 2; i++) {
    const store = await RedisStore.connect({ url: redis.url, prefix, deadlinePollMs: 60_000 });
    stores.push(store);
    cores.push(new CoHostCore(store, new CoHostEngine(), clock));
  }
  await sleep(200); // each instance's first look, at start
  const { Redis } = await import("ioredis");
  const base = new Redis(redis.url);
  const monitor = await base.monitor();
  monitors.push(monitor, base);
  const looks = { count: 0 };
  // The deadline look is the only script with the index as its one key (commits name several).
  monitor.on("monitor", (_time: string, args: string[]) => {
    const command = args[0]?.toLowerCase();
    if ((command === "eval" || command === "evalsha") && args[2] === "1" && args[3] === `${prefix}deadlines`) looks.count++;
  });
  return { cores, looks };
}

describe("Redis deadline wake-ups", () => {
  it("a deadline further ahead than the next look costs no instance a look at the index", async () => {
    const { cores, looks } = await pair();
    const [x] = cores;
    for (const id of ["a", "b"]) await x!.openRoom(host(id));
    const sent = await x!.requestConnection("u-a", { liveId: "a", target: "b", layout: GRID, timeoutSeconds: 60, extraInfo: "" });
    expect(sent.ok).toBe(true);
    await sleep(300);
    expect(looks.count).toBe(0);
  });

  it("a deadline sooner than the next look wakes the instances at the deadline, and the request times out", async () => {
    const { cores, looks } = await pair();
    const [x, y] = cores;
    for (const id of ["a", "b"]) await x!.openRoom(host(id));
    await x!.requestConnection("u-a", { liveId: "a", target: "b", layout: GRID, timeoutSeconds: 1, extraInfo: "" });
    await sleep(300);
    expect(looks.count).toBe(0); // not at once: at the deadline
    await sleep(1_200);
    expect(looks.count).toBeGreaterThanOrEqual(2); // both instances looked
    const b = await y!.readRoom("b");
    expect(b?.state.applicant).toBeUndefined();
  });
});
