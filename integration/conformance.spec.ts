// The whole suite against the reference server: over the in-memory router
// transport, and over a real listener for every protocol and HTTP version
// it serves, with the (empty) known-failing list CI uses; and against the
// edges of what the spec allows a server to be configured to.
import { fileURLToPath } from "node:url";
import { createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readKnownFailing, registerConformance } from "@cohost-kit/conformance";
import type { CoHostServer } from "@cohost-kit/server";
import { newServer, TEST_ADMIN_KEY, TEST_SECRET } from "@cohost-kit/server/testing";

const knownFailing = readKnownFailing(fileURLToPath(new URL("./known-failing.txt", import.meta.url)));
// Generous waits: CI machines are shared and this file runs beside the others.
const credentials = { adminKey: TEST_ADMIN_KEY, tokenSecret: TEST_SECRET, timeoutMs: 15_000, property: { runs: 4 } };
const vitest = { describe, it, beforeAll };
// Short keep-alives (the spec allows 1 to 60 s), so the keep-alive case is quick.
const watch = { keepAliveMs: 2_000 };

it("runs with an empty known-failing list", () => {
  expect(knownFailing).toEqual([]);
});

const inMemory = newServer({ watch });
afterAll(() => inMemory.close(50));
registerConformance(
  vitest,
  { ...credentials, transport: createRouterTransport(inMemory.routes), knownFailing },
  "conformance: in-memory transport",
);

// The listener starts when the suite's beforeAll runs; the URL is read then.
let server: CoHostServer | undefined;
let baseUrl = "";
beforeAll(async () => {
  server = newServer({ watch });
  baseUrl = (await server.listen({ port: 0, host: "127.0.0.1" })).url;
});
afterAll(() => server?.close(50));
registerConformance(
  vitest,
  {
    ...credentials,
    get baseUrl() {
      return baseUrl || "http://127.0.0.1:1";
    },
    knownFailing,
  },
  "conformance: real listener, every protocol and HTTP version",
);

const clientServer = newServer({ watch });
afterAll(() => clientServer.close(50));
registerConformance(
  vitest,
  { ...credentials, mode: "client", transport: createRouterTransport(clientServer.routes), transportName: "in-memory", knownFailing },
  "conformance: CoHostStore client adapter",
);

// The suite must not ask more of a server than the spec does (R19.bounds, R16.keepalive): the
// smallest allowance at once (10) with the fastest refill, and the largest (90) with a refill
// that keeps 100 attempts in 10 s; the shortest keep-alive interval.
for (const [name, rateLimit] of [
  ["10 at once, 9 per second", { burst: 10, refillPerSecond: 9 }],
  ["90 at once, 1 per second", { burst: 90, refillPerSecond: 1 }],
] as const) {
  const edge = newServer({ engine: { rateLimit }, watch: { keepAliveMs: 1_000 } });
  afterAll(() => edge.close(50));
  registerConformance(
    vitest,
    { ...credentials, transport: createRouterTransport(edge.routes), transportName: "in-memory", knownFailing },
    `conformance: the spec's edges, rate limit ${name}`,
  );
}
