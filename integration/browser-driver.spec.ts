// Our CoHostStore in Chromium passes the client runner: the compiled CLI
// starts the reference server and the Chromium driver
// (integration/browser-driver), which runs the store in real pages over
// @connectrpc/connect-web, Connect and gRPC-Web on HTTP/1.1 (what a page
// gets from a cleartext server).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { clientNotApplicable, faultCases, loadCaseFiles } from "@cohost-kit/conformance";
import { CHROMIUM } from "./support/browser-harness.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cliBin = join(root, "conformance/dist/cli.js");
const driver = `"${process.execPath}" --import tsx integration/browser-driver/main.ts`;

describe("cohost-conformance client with the Chromium driver", () => {
  it("passes every expressible case over Connect and gRPC-Web from the browser", { timeout: 400_000 }, async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [cliBin, "client", "--command", driver, "--protocol", "connect", "--protocol", "grpc-web", "--http", "1.1"],
        { cwd: root, env: { PATH: process.env.PATH ?? "", CHROMIUM_PATH: CHROMIUM }, timeout: 380_000, maxBuffer: 16 * 1024 * 1024 },
        (err, out, errOut) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut }),
      );
    });
    const scripted = loadCaseFiles().reduce((n, f) => n + f.cases.length, 0);
    const perTransport = scripted - clientNotApplicable().length + faultCases.length;
    expect(stdout.trim().split("\n").at(-1), `${stdout}\n${stderr}`).toBe(`${perTransport * 2} passed, 0 failed`);
    expect(code).toBe(0);
    expect(stdout).toMatch(/client: @cohost-kit\/client CoHostStore \(HeadlessChrome\/[\d.]+, connect-web\)/);
    expect(stdout).toContain(`Protocol:connect/HTTP:1.1    ${perTransport} passed, 0 failed`);
    expect(stdout).toContain(`Protocol:grpc-web/HTTP:1.1   ${perTransport} passed, 0 failed`);
  });
});
