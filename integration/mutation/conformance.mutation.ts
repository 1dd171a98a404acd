// The conformance suite as Stryker's test command (`npm run mutation`, see
// stryker.config.mjs): one vitest test per case of the suite, each run inside
// its test against a reference server of its own, built from source in this
// process and reached over the in-memory Connect transport. Running the case
// inside its test (not in a beforeAll, as registerConformance does) lets
// Stryker see which cases reach which code, so a mutant runs only the cases
// that cover it; a server per test keeps one mutant's damage to one case.
// Not part of `npm test` (its name does not end in .spec.ts).
import { createRouterTransport } from "@connectrpc/connect";
import { expect, it } from "vitest";
import { suiteCases } from "@cohost-kit/conformance";
import { newServer, TEST_ADMIN_KEY, TEST_SECRET } from "@cohost-kit/server/testing";

const credentials = { adminKey: TEST_ADMIN_KEY, tokenSecret: TEST_SECRET };
// The shortest keep-alive the spec allows (R16.keepalive), so the keep-alive case is quick.
const watch = { keepAliveMs: 1_000 };
// How long a case waits for one expected message or answer: a mutant that loses one fails after this.
const timeoutMs = 4_000;

// Every case of the suite; fixed seeds, so a mutant meets the same generated calls in every run.
const cases = suiteCases({ property: { runs: 4, seed: 7 }, malformed: { runs: 20, seed: 7 } });

it("selects every case of the suite", () => {
  expect(cases.length).toBeGreaterThan(50);
});

let index = 0;
for (const c of cases) {
  const prefix = `mut${(index++).toString(36)}`;
  it(`${c.family}/${c.name}`, { timeout: 60_000 }, async () => {
    const server = newServer({ watch });
    const transport = createRouterTransport(server.routes);
    try {
      await c.run({ transport, freshTransport: () => transport, credentials, prefix, timeoutMs, trace: () => {} });
    } finally {
      await server.close(10);
    }
  });
}
