// `cohost-conformance client` as a client team runs it in CI: the compiled
// CLI starts the installed reference server itself and drives our compiled
// TypeScript driver (cohost-conformance-ts-driver) over Connect, gRPC and
// gRPC-Web, on HTTP/1.1 and HTTP/2. Every case passes or is listed as not
// expressible with its reason; the reference server is gone afterwards.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { clientNotApplicable, faultCases, loadCaseFiles } from "@cohost-kit/conformance";
import { tempDirs } from "./support/temp-dirs.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cliBin = join(root, "conformance/dist/cli.js");
const driverBin = join(root, "conformance/dist/client-runner/ts-driver.js");
const tempDir = tempDirs("cohost-client-runner-");

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliBin, "client", ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? "" }, timeout: 280_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const TRANSPORTS = [
  "Protocol:connect/HTTP:1.1",
  "Protocol:connect/HTTP:2",
  "Protocol:grpc/HTTP:2",
  "Protocol:grpc-web/HTTP:1.1",
  "Protocol:grpc-web/HTTP:2",
];

describe("cohost-conformance client with our TypeScript driver", () => {
  it("passes every expressible case over every transport and lists the others", { timeout: 300_000 }, async () => {
    const junit = join(tempDir(), "client.xml");
    const { code, stdout, stderr } = await cli(["--command", `"${process.execPath}" "${driverBin}"`, "--junit", junit]);
    const scripted = loadCaseFiles().reduce((n, f) => n + f.cases.length, 0);
    const notExpressible = clientNotApplicable();
    const perTransport = scripted - notExpressible.length + faultCases.length;
    const lines = stdout.trim().split("\n");
    expect(lines.at(-1), `${stdout}\n${stderr}`).toBe(`${perTransport * TRANSPORTS.length} passed, 0 failed`);
    expect(code).toBe(0);
    expect(stdout).toContain("client: @cohost-kit/client CoHostStore (Node, connect-node)");
    for (const t of TRANSPORTS) expect(stdout).toContain(`${t.padEnd(28)} ${perTransport} passed, 0 failed`);
    expect(stdout).toContain(`${notExpressible.length} case(s) not expressible through this client's API:`);
    for (const n of notExpressible) expect(stdout).toContain(`  ${n.name}: ${n.reason}`);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain(`tests="${perTransport * TRANSPORTS.length}" failures="0"`);
    expect(xml).toContain('name="sequence-gap-resumes-from-last-applied"');

    // The reference server the CLI started (in production mode: it writes no files) is stopped.
    const pid = Number(/the reference server, pid (\d+), stopped/.exec(stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it("refuses to run without a driver", async () => {
    const { code, stderr } = await cli([]);
    expect(code).toBe(2);
    expect(stderr).toContain("--command is required");
  });

  it("names a driver that does not speak the protocol", { timeout: 60_000 }, async () => {
    const { code, stderr } = await cli(["--command", "echo not-json"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/the driver did not start the session: .*not a protocol message.*not-json/);
  });
});
