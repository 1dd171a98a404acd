// `npm run soak` in its short mode, as part of the test suite: the compiled
// server under every attack at once while a well-behaved client works. What
// is asserted is what must hold on any machine: the server stays up and
// answers, stops cleanly, the client never fails, and each attack is met
// with its documented answer. The timings are printed, never asserted.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { SoakReport } from "../soak/main.js";

const root = fileURLToPath(new URL("..", import.meta.url));

function runSoak(): Promise<SoakReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@cohost-kit/source", "--import", "tsx", "soak/main.ts", "--ci", "--json"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", () => {
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1)!) as SoakReport);
      } catch {
        reject(new Error(`the soak printed no report:\n${out}\n${err}`));
      }
    });
  });
}

describe("soak, short mode", () => {
  it("keeps the server up and the well-behaved client working under every attack at once", { timeout: 180_000 }, async () => {
    const report = await runSoak();
    console.log(
      `soak --ci: p99 ratio ${report.p99Ratio.toFixed(2)}, peak ${report.memory.peakMb.toFixed(0)} MB, ` +
        `server CPU ${report.serverCpu.loaded.toFixed(2)} cores under attack`,
    );
    expect(report.stayedUp).toBe(true);
    expect(report.healthAfter).toBe(200);
    expect(report.exitCode).toBe(0);
    expect(report.logLevels.error ?? 0).toBe(0); // no attack is an error of the server's
    expect([...report.unloaded.failures, ...report.loaded.failures]).toEqual([]);
    expect(report.loaded.calls).toBeGreaterThan(0);
    expect(Number.isFinite(report.memory.peakMb)).toBe(true);

    const { sockets, streams, malformed, flaky } = report.attacks;
    // Held connections are closed by the server's timeouts, every kind of them.
    for (const kind of ["silent", "half-sent headers", "idle HTTP/2"]) expect(sockets![`closed by the server: ${kind}`]).toBeGreaterThan(0);
    // One token: a few streams, the rest refused with the reason, nothing else.
    const refusals = Object.keys(streams!).filter((k) => k.startsWith("refused"));
    expect(refusals).toEqual(["refused ResourceExhausted/TOO_MANY_STREAMS"]);
    expect(streams!.opened).toBeLessThanOrEqual(64);
    // Each malformed request gets its answer, never a dropped connection.
    const answers = Object.keys(malformed!).map((k) => k.split(" -> "));
    const expected: Record<string, string> = {
      "HTTP/1.0 without Host": "400",
      "empty Host": "400",
      "Host a b": "400",
      "Host x:99999": "400",
      "Host [": "400",
      "gzip bomb": "501",
      "2 MiB body": "429",
      "32 KB header": "431",
      "forged token": "401",
      "HTTP/2 bad :authority": "400",
    };
    for (const [name, status] of answers) if (name! in expected) expect(`${name} -> ${status}`).toBe(`${name} -> ${expected[name!]}`);
    expect(answers.map(([name]) => name).sort()).toEqual(expect.arrayContaining(Object.keys(expected).sort()));
    expect(Object.values(flaky!).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
