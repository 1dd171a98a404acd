// Commits and deadline looks run as EVALSHA (Redis keeps the parsed scripts);
// a Redis that forgot them (restarted, SCRIPT FLUSH) gets them again, and no
// call fails or is applied twice because of it. A Redis of the test's own, so
// flushing its scripts cannot disturb other tests.
import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostCore } from "../core.js";
import { CoHostEngine } from "../engine/engine.js";
import { OwnRedis } from "../testing/own-redis.js";
import { RedisStore } from "./redis-store.js";

const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
const host = (id: string) => ({ liveId: id, userId: `u-${id}`, userName: id, avatarUrl: "" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: OwnRedis | undefined;
let store: RedisStore | undefined;
let admin: Redis | undefined;
afterEach(async () => {
  admin?.disconnect();
  await store?.close();
  await redis?.stop();
});

it("commits and deadline looks go on after Redis forgets its scripts", async () => {
  redis = await OwnRedis.start();
  admin = new Redis(redis.url);
  store = await RedisStore.connect({ url: redis.url, prefix: "scripts:", deadlinePollMs: 100 });
  const core = new CoHostCore(store, new CoHostEngine(), { now: () => Date.now() });
  for (const id of ["a", "b", "c"]) await core.openRoom(host(id));
  expect(await admin.script("FLUSH")).toBe("OK");

  const sent = await core.requestConnection("u-a", { liveId: "a", target: "b", layout: GRID, timeoutSeconds: 1, extraInfo: "" });
  expect(sent.ok).toBe(true);
  const b = await core.readRoom("b");
  expect(b?.state.applicant?.liveId).toBe("a");
  expect(b?.position.sequence).toBe(1); // applied once

  await admin.script("FLUSH");
  await sleep(1_400); // the deadline look (EVALSHA) finds its script gone, runs it again, ends the request
  const after = await core.readRoom("b");
  expect(after?.state.applicant).toBeUndefined();
  expect(after?.position.sequence).toBe(2);
});
