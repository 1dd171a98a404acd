// The CLI as a newcomer runs it against `npm start`: a real server process,
// a subset of cases, the closing line, JUnit output and exit codes.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCaseFiles, suiteCases } from "@cohost-kit/conformance";
import { startServerProcess, type ServerProcess } from "./support/server-process.js";
import { tempDirs } from "./support/temp-dirs.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cliBin = join(root, "conformance/dist/cli.js");
const tempDir = tempDirs("cohost-cli-");
const secrets = { COHOST_TOKEN_SECRET: "cli-test-secret-0123456789abcdef0123", COHOST_ADMIN_KEY: "cli-test-admin-key" };
let server: ServerProcess;
let url = "";

beforeAll(async () => {
  server = startServerProcess({ PORT: "0", COHOST_MODE: "production", COHOST_HOST: "127.0.0.1", ...secrets });
  url = await server.listening();
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliBin, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? "", ...secrets }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("cohost-conformance CLI", () => {
  it("runs selected cases over every protocol, ends with the closing line, writes JUnit", { timeout: 120_000 }, async () => {
    const junit = join(tempDir(), "report.xml");
    const { code, stdout } = await cli(["--url", url, "--run", "*/accept/*", "--junit", junit]);
    const lines = stdout.trim().split("\n");
    // Five permutations: Connect and gRPC-Web on HTTP/1.1 and 2, gRPC on HTTP/2.
    const expected = loadCaseFiles().find((f) => f.family === "accept")!.cases.length * 5;
    expect(lines.at(-1)).toBe(`${expected} passed, 0 failed`);
    expect(code).toBe(0);
    for (const p of [
      "Protocol:connect/HTTP:1.1",
      "Protocol:connect/HTTP:2",
      "Protocol:grpc/HTTP:2",
      "Protocol:grpc-web/HTTP:1.1",
      "Protocol:grpc-web/HTTP:2",
    ]) {
      expect(stdout).toContain(p);
    }
    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain(`<testsuites name="cohost-conformance" tests="${expected}" failures="0"`);
    expect(xml).toContain('name="accept-forms-connection"');
  });

  it("fails the run when a known-failing case passes", { timeout: 120_000 }, async () => {
    const list = join(tempDir(), "known-failing.txt");
    writeFileSync(list, "*/accept/accept-forms-connection  # pretend it is broken\n");
    const { code, stdout } = await cli([
      "--url",
      url,
      "--protocol",
      "connect",
      "--http",
      "2",
      "--run",
      "*/accept/accept-forms-connection",
      "--known-failing",
      list,
    ]);
    expect(stdout.trim().split("\n").at(-1)).toBe("0 passed, 1 failed");
    expect(stdout).toContain("listed as known-failing but passed");
    expect(code).toBe(1);
  });

  it("exits non-zero with the failures when the server departs from the spec", { timeout: 60_000 }, async () => {
    const { code, stdout } = await cli([
      "--url",
      url,
      "--admin-key",
      "wrong-admin-key",
      "--protocol",
      "connect",
      "--http",
      "1.1",
      "--run",
      "*/reject/*",
    ]);
    expect(stdout).toContain("FAILED CoHost/Protocol:connect/HTTP:1.1/reject/reject-pending-request");
    expect(stdout.trim().split("\n").at(-1)).toBe("0 passed, 2 failed");
    expect(code).toBe(1);
  });

  it("lists cases with the rules they check", async () => {
    const { code, stdout } = await cli(["--list", "--protocol", "grpc"]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "CoHost/Protocol:grpc/HTTP:2/timeout/timeout-notifies-both-sides  [R7, R14, R7.effects, R7.when, R7.deadline]",
    );
    // gRPC runs on HTTP/2 only: one permutation, so one line per case of the suite.
    expect(stdout.split("\n").filter((l) => l.startsWith("CoHost/")).length).toBe(suiteCases().length);
  });
});
