// The suite must be able to fail: each broken variant of the reference
// server is caught by at least one case. Prints the table variant -> cases.
import { createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { runConformance } from "@cohost-kit/conformance";
import { TEST_ADMIN_KEY, TEST_SECRET } from "@cohost-kit/server/testing";
import { brokenVariants } from "./selftest/broken-variants.js";

describe.concurrent("self-test: the suite catches every broken variant", () => {
  it.each(brokenVariants.map((v) => [v.name, v] as const))("catches %s", { timeout: 180_000 }, async (_, variant) => {
    const server = variant.make();
    try {
      const report = await runConformance({
        transport: createRouterTransport(server.routes),
        adminKey: TEST_ADMIN_KEY,
        tokenSecret: TEST_SECRET,
        timeoutMs: 1_500,
        property: { runs: 4, seed: 7 },
        malformed: { runs: 20, seed: 7 },
      });
      const caught = report.results.filter((r) => r.outcome === "failed").map((r) => `${r.family}/${r.caseName}`);
      console.log(`variant ${variant.name} (breaks ${variant.breaks}): caught by ${caught.length} case(s): ${caught.join(", ")}`);
      expect(caught.length, `no case caught ${variant.name}`).toBeGreaterThan(0);
    } finally {
      await server.close(10);
    }
  });
});
