// The fault cases against our CoHostStore in this process (the driver
// session without a child process), over every Node transport: each case
// must pass, and the suite must say which cases it runs.
import { describe, expect, it } from "vitest";
import { inProcessDriver } from "./driver-channel.js";
import { NODE_TRANSPORTS, nodeTransport } from "./node-transports.js";
import { faultCases, runClientConformance } from "./run.js";

describe("fault cases, our CoHostStore in process", () => {
  it("every fault case passes over every transport", { timeout: 180_000 }, async () => {
    const pipe = inProcessDriver({ clientName: "in-process", transports: NODE_TRANSPORTS, makeTransport: nodeTransport });
    const report = await runClientConformance({ pipe, run: ["*/faults/*"], trace: true });
    const failures = report.results
      .filter((r) => r.outcome !== "passed")
      .map((r) => `${r.name}: ${r.error}\n${(r.trace ?? []).join("\n")}`);
    expect(failures).toEqual([]);
    expect(report.results).toHaveLength(faultCases.length * NODE_TRANSPORTS.length);
    expect(report.notExpressible).toEqual([]);
  });
});
