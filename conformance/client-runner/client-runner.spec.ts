// The client runner catches a client that departs from the contract: each
// test puts a fault between the suite and our in-process driver (a lost
// callback, half a state, a broken line, a wrong version, a driver that
// dies) and requires the run to say so.
import { describe, expect, it } from "vitest";
import { inProcessDriver, spawnDriver, type DriverPipe } from "./driver-channel.js";
import { NODE_TRANSPORTS, nodeTransport } from "./node-transports.js";
import { runClientConformance } from "./run.js";

const connectOnly = [{ protocol: "connect", http: "1.1" }] as const;

/** Our driver in process, with every line it writes passed through `rewrite` (null drops the line). */
function tampered(rewrite: (line: string) => string | null): DriverPipe {
  const inner = inProcessDriver({ clientName: "tampered", transports: NODE_TRANSPORTS, makeTransport: nodeTransport });
  return {
    ...inner,
    onLine: (handler) =>
      inner.onLine((line) => {
        const out = rewrite(line);
        if (out !== null) handler(out);
      }),
  };
}

async function run(pipe: DriverPipe, patterns: string[]) {
  return runClientConformance({ pipe, run: patterns, transports: [...connectOnly], timeoutMs: 3_000 });
}

describe("the client runner fails a client that departs from the contract", () => {
  it("a store that never fires onCoHostRequestReceived", { timeout: 60_000 }, async () => {
    const report = await run(
      tampered((line) => (line.includes('"requestReceived"') ? null : line)),
      ["*/faults/first-snapshot-with-applicant-prompts", "*/faults/cut-stream-resumes"],
    );
    expect(report.results.map((r) => [r.caseName, r.outcome])).toEqual([
      ["cut-stream-resumes", "failed"],
      ["first-snapshot-with-applicant-prompts", "failed"],
    ]);
    expect(report.results[1]!.error).toMatch(/expected: received\(x, ""\)\n\s+actual:\s+\(none\)/);
  });

  it("a value listener that sees half a change", { timeout: 60_000 }, async () => {
    const half = (line: string) => {
      const message = JSON.parse(line) as { event?: { valueChanged?: { value: string; state: { connected?: unknown[] } } } };
      const changed = message.event?.valueChanged;
      if (changed?.value !== "STORE_VALUE_CO_HOST_STATUS") return line;
      delete changed.state.connected;
      return JSON.stringify(message);
    };
    const report = await run(tampered(half), ["*/faults/listeners-see-whole-changes"]);
    expect(report.results[0]!.outcome).toBe("failed");
    expect(report.results[0]!.error).toMatch(/a value listener saw a state the server never sent: status=CONNECTED connected=\[\]/);
  });

  it("an operation that completes before its effect shows", { timeout: 60_000 }, async () => {
    // Hold back value changes until the next result line: the result then comes first.
    let held: string[] = [];
    const inner = inProcessDriver({ clientName: "early", transports: NODE_TRANSPORTS, makeTransport: nodeTransport });
    const pipe: DriverPipe = {
      ...inner,
      onLine: (handler) =>
        inner.onLine((line) => {
          if (line.includes('"valueChanged"') && line.includes("STORE_VALUE_INVITEES")) return void held.push(line);
          handler(line);
          if (line.includes('"result"')) [held, (held = [])][0]!.forEach(handler);
        }),
    };
    const report = await run(pipe, ["*/faults/operation-completes-after-its-effect-shows"]);
    expect(report.results[0]!.outcome).toBe("failed");
    expect(report.results[0]!.error).toMatch(/completed before the store's invitees showed x/);
  });

  it("a line that is not a protocol message fails the run's cases with the line", { timeout: 60_000 }, async () => {
    let sent = false;
    const report = await run(
      tampered((line) => {
        if (!line.includes('"completion"') || sent) return line;
        sent = true;
        return "Hello from a debug print";
      }),
      ["*/faults/rate-limited-refusal-carries-retry-after"],
    );
    expect(report.results[0]!.outcome).toBe("failed");
    expect(report.results[0]!.error).toMatch(/not a protocol message .*Hello from a debug print/);
  });

  it("a driver of another protocol version is refused at the start", async () => {
    const pipe = tampered((line) => line.replace('"protocolVersion":1', '"protocolVersion":2'));
    await expect(run(pipe, ["*"])).rejects.toThrow(/speaks protocol version 2; this suite speaks 1/);
  });

  it("a driver that exits says so, with its stderr", async () => {
    const pipe = spawnDriver(`node -e "process.stderr.write('cannot load my store'); process.exit(3)"`);
    await expect(run(pipe, ["*"])).rejects.toThrow(/exited with code 3[\s\S]*cannot load my store/);
  });

  it("lists the cases a client's declared features leave out, and runs the rest", { timeout: 60_000 }, async () => {
    const withoutRefresh = tampered((line) => line.replace(',"FEATURE_TOKEN_REFRESH"', ""));
    const report = await run(withoutRefresh, ["*/faults/expired-token-is-refreshed", "*/faults/permission-denied-ends-the-feed"]);
    expect(report.notExpressible).toEqual([
      { name: "faults/expired-token-is-refreshed", reason: "needs FEATURE_TOKEN_REFRESH, which the client does not declare" },
    ]);
    expect(report.results.map((r) => [r.caseName, r.outcome])).toEqual([["permission-denied-ends-the-feed", "passed"]]);
  });

  it("fails a run whose known-failing case passes", { timeout: 60_000 }, async () => {
    const pipe = inProcessDriver({ clientName: "ours", transports: NODE_TRANSPORTS, makeTransport: nodeTransport });
    const report = await runClientConformance({
      pipe,
      run: ["*/faults/permission-denied-ends-the-feed"],
      transports: [...connectOnly],
      knownFailing: ["*/faults/permission-denied-ends-the-feed"],
    });
    expect(report.results[0]!.outcome).toBe("unexpected-pass");
    expect(report.failed).toBe(1);
  });
});
