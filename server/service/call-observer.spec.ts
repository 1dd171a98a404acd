// The call log: one JSON line per call at debug, refusals and auth failures
// at info, never a credential.
import { afterEach, describe, expect, it } from "vitest";
import { CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { createLogger, type LogLevel } from "../logger.js";
import type { CoHostServer } from "../server.js";
import { FakeClock } from "../testing/fake-clock.js";
import { Clients, newServer, TEST_ADMIN_KEY } from "../testing/service-harness.js";

const servers: CoHostServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close(10);
});

async function flow(level: LogLevel) {
  const lines: string[] = [];
  const server = newServer({ clock: new FakeClock(), logger: createLogger(level, (l) => lines.push(l)) });
  servers.push(server);
  const c = Clients.inMemory(server);
  await c.openRoom("a");
  await c.openRoom("b");
  const alice = await c.hostHeaders("user-a");
  await c.cohost.requestHostConnection(
    { liveId: "a", targetHostLiveId: "b", layoutTemplate: CoHostLayoutTemplate.HOST_DYNAMIC_GRID, timeoutSeconds: 30 },
    alice,
  );
  await c.cohost.cancelHostConnection({ liveId: "a", toHostLiveId: "b" }, alice);
  await c.cohost.cancelHostConnection({ liveId: "a", toHostLiveId: "b" }, alice).catch(() => {});
  await c.cohost.exitHostConnection({ liveId: "a" }, { headers: { authorization: "Bearer not-a-real-token" } }).catch(() => {});
  await c.admin.closeRoom({ liveId: "a" }, c.adminHeaders("wrong-admin-key-123")).catch(() => {});
  return { lines, parsed: lines.map((l) => JSON.parse(l) as Record<string, unknown>), alice: alice.headers.authorization };
}

describe("call log", () => {
  it("writes one line per call at debug, with method, room, user, code, reason and duration", async () => {
    const { parsed } = await flow("debug");
    const calls = parsed.filter((l) => l.msg === "call" || l.msg === "call refused");
    expect(calls.map((l) => [l.level, l.method, l.room, l.user, l.code, l.reason])).toEqual([
      ["debug", "OpenRoom", "a", undefined, "ok", undefined],
      ["debug", "OpenRoom", "b", undefined, "ok", undefined],
      ["debug", "RequestHostConnection", "a", "user-a", "ok", undefined],
      ["debug", "CancelHostConnection", "a", "user-a", "ok", undefined],
      ["info", "CancelHostConnection", "a", "user-a", "failed_precondition", "REQUEST_NOT_FOUND"],
      ["info", "ExitHostConnection", "a", undefined, "unauthenticated", "TOKEN_INVALID"],
      ["info", "CloseRoom", "a", undefined, "unauthenticated", "ADMIN_KEY_INVALID"],
    ]);
    for (const l of calls) {
      expect(l.service).toMatch(/^cohost\.v1\./);
      expect(typeof l.durationMs).toBe("number");
    }
  });

  it("writes only refusals and auth failures at info, and never a token or key", async () => {
    const { lines, parsed, alice } = await flow("info");
    expect(parsed.map((l) => [l.level, l.msg, l.method])).toEqual([
      ["info", "call refused", "CancelHostConnection"],
      ["info", "call refused", "ExitHostConnection"],
      ["info", "call refused", "CloseRoom"],
    ]);
    const all = lines.join("");
    for (const secret of [alice, "not-a-real-token", "wrong-admin-key-123", TEST_ADMIN_KEY]) expect(all).not.toContain(secret);
  });
});
