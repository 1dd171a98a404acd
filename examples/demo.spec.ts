// `npm run demo` is in the README; it must keep working.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("npm run demo", () => {
  it("shows two hosts connecting and leaving", { timeout: 60_000 }, async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const tsx = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@cohost-kit/source", "--import", tsx, "examples/demo.ts"],
      { cwd: root, timeout: 50_000 },
    );
    for (const line of [
      'bob    request received from Alice: "shall we co-host?"',
      "alice  request accepted by Bob",
      "bob    connected: Alice, Bob",
      "bob    Alice left",
      "alice  exitHostConnection -> code 0",
    ]) {
      expect(stdout).toContain(line);
    }
  });
});
