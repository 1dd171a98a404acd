// The server process on a Redis of the test's own that stops answering
// (SIGSTOP): health says so within its bound, and SIGTERM still stops the
// process within its bound instead of waiting for Redis.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { CoHostService, RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "@cohost-kit/server";
import { OwnRedis } from "@cohost-kit/server/testing";
import { startServerProcess, type ServerProcess } from "./support/server-process.js";

const secrets = { COHOST_TOKEN_SECRET: "faults-test-secret-0123456789abcdef", COHOST_ADMIN_KEY: "faults-test-admin-key" };
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
});

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

describe("server process with Redis frozen (finding 8)", () => {
  it(
    "answers /healthz 503 and calls UNAVAILABLE within their bounds, and stops on SIGTERM without waiting for Redis",
    { timeout: 60_000 },
    async () => {
      const redis = await OwnRedis.start();
      cleanup.push(() => redis.stop());
      const server: ServerProcess = startServerProcess({
        PORT: "0",
        COHOST_MODE: "production",
        COHOST_HOST: "127.0.0.1",
        COHOST_STORE: `${redis.url}?prefix=faults:`,
        COHOST_STORE_TIMEOUT_MS: "500",
        ...secrets,
      });
      cleanup.push(() => server.kill());
      const url = await server.listening();
      const transport = createConnectTransport({ baseUrl: url, httpVersion: "2" });
      await createClient(RoomAdminService, transport).openRoom(
        { liveId: "f-a", userId: "alice" },
        { headers: { authorization: `Bearer ${secrets.COHOST_ADMIN_KEY}` } },
      );
      const headers = { authorization: `Bearer ${await mintHostToken(secrets.COHOST_TOKEN_SECRET, "alice")}` };
      const kinds: number[] = [];
      const watching = (async () => {
        try {
          for await (const m of createClient(CoHostService, transport).watchCoHost({ liveId: "f-a" }, { headers })) kinds.push(m.kind);
          return "ended";
        } catch (err) {
          return Code[ConnectError.from(err).code];
        }
      })();
      await bounded(
        (async () => {
          while (kinds.length === 0) await new Promise((r) => setTimeout(r, 20));
        })(),
        10_000,
        "the snapshot",
      );

      redis.freeze();
      const health = await bounded(fetch(`${url}/healthz`), 5_000, "a /healthz answer");
      expect(health.status).toBe(503);
      const call = await bounded(
        createClient(CoHostService, transport)
          .exitHostConnection({ liveId: "f-a" }, { headers })
          .then(
            () => "ok",
            (err: unknown) => Code[ConnectError.from(err).code],
          ),
        5_000,
        "an answer to the call",
      );
      expect(call).toBe("Unavailable");

      server.child.kill("SIGTERM");
      expect(await bounded(server.exited, 15_000, "the exit after SIGTERM")).toBe(0);
      expect(await bounded(watching, 5_000, "the stream's end")).toBe("Unavailable");
      expect(server.output().stdout).toContain('"msg":"stopped"');
    },
  );
});
