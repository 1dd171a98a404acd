// The suite must be able to fail: each broken variant of the reference
// server is caught, by each case it names (or, for the oldest variants, by
// at least one case of the whole suite). And it must not fail a server that
// only does what the spec allows: each benign variant passes the whole suite.
import { createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { runConformance, type ConformanceOptions } from "@cohost-kit/conformance";
import { TEST_ADMIN_KEY, TEST_SECRET } from "@cohost-kit/server/testing";
import { benignVariants } from "./selftest/benign-variants.js";
import { brokenVariants } from "./selftest/broken-variants.js";

const options: Omit<ConformanceOptions, "transport"> = {
  adminKey: TEST_ADMIN_KEY,
  tokenSecret: TEST_SECRET,
  timeoutMs: 5_000,
  property: { runs: 4, seed: 7 },
  malformed: { runs: 20, seed: 7 },
};

describe.concurrent("self-test: the suite catches every broken variant", () => {
  it.each(brokenVariants.map((v) => [v.name, v] as const))("catches %s", { timeout: 180_000 }, async (_, variant) => {
    const server = variant.make();
    try {
      const report = await runConformance({
        ...options,
        transport: createRouterTransport(server.routes),
        ...(variant.caughtBy ? { run: variant.caughtBy.map((c) => `*/${c}`) } : {}),
      });
      const caught = report.results.filter((r) => r.outcome === "failed").map((r) => `${r.family}/${r.caseName}`);
      console.log(`variant ${variant.name} (breaks ${variant.breaks}): caught by ${caught.length} case(s): ${caught.join(", ")}`);
      if (variant.caughtBy) {
        expect(report.results.map((r) => `${r.family}/${r.caseName}`).sort(), "every case the variant names exists").toEqual(
          [...variant.caughtBy].sort(),
        );
        expect(caught.sort(), `${variant.name} must be caught by each case it names`).toEqual([...variant.caughtBy].sort());
      } else {
        expect(caught.length, `no case caught ${variant.name}`).toBeGreaterThan(0);
      }
    } finally {
      await server.close(10);
    }
  });
});

describe.concurrent("self-test: the suite passes every benign variant", () => {
  it.each(benignVariants.map((v) => [v.name, v] as const))("passes %s", { timeout: 180_000 }, async (_, variant) => {
    const server = variant.make();
    try {
      const report = await runConformance({ ...options, transport: createRouterTransport(server.routes) });
      expect(
        report.results.filter((r) => r.outcome !== "passed").map((r) => `${r.name}: ${r.error}`),
        variant.allowed,
      ).toEqual([]);
      expect(report.results.length).toBeGreaterThan(0);
    } finally {
      await server.close(10);
    }
  });
});
