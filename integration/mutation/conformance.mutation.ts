// The conformance suite as Stryker's test command (`npm run mutation`, see
// stryker.config.mjs): one vitest test per case of the suite, each run inside
// its test against a reference server of its own, built from source in this
// process and reached over the in-memory Connect transport. Running the case
// inside its test (not in a beforeAll, as registerConformance does) lets
// Stryker see which cases reach which code, so a mutant runs only the cases
// that cover it; a server per test keeps one mutant's damage to one case.
// Not part of `npm test` (its name does not end in .spec.ts).
import { createHash } from "node:crypto";
import { createRouterTransport } from "@connectrpc/connect";
import { expect, it } from "vitest";
import { loadCaseFiles, suiteCases, type SuiteCase } from "@cohost-kit/conformance";
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

// A test's name carries a digest of its case (the steps of a scripted case; what a coded or generated
// case states it checks), so `npm run mutation -- --incremental` sees a changed case as a new test
// and tests again the mutants it covers instead of reusing their old results.
const scripted = new Map(loadCaseFiles().flatMap((file) => file.cases.map((spec) => [`${file.family}/${spec.name}`, spec] as const)));
function digest(c: SuiteCase): string {
  const content = scripted.get(`${c.family}/${c.name}`) ?? { rules: c.rules, procedure: c.procedure, asserts: c.asserts };
  return createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 8);
}

let index = 0;
for (const c of cases) {
  // Upper case: ids that sort before every lower-case default a server might start its pages from.
  const prefix = `M${(index++).toString(36)}`;
  it(`${c.family}/${c.name} #${digest(c)}`, { timeout: 60_000 }, async () => {
    const server = newServer({ watch });
    const transport = createRouterTransport(server.routes);
    try {
      await c.run({ transport, freshTransport: () => transport, credentials, prefix, timeoutMs, trace: () => {} });
    } finally {
      await server.close(10);
    }
  });
}
