// The closing line must count a failed hook as failed, never as skipped.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("counts a failed beforeAll as a failure", { timeout: 60_000 }, async () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    const args = ["vitest", "run", "--config", ".ci/fixtures/vitest.config.ts"];
    execFile("npx", args, { cwd: root, timeout: 50_000 }, (err, out) => resolve({ code: err ? 1 : 0, stdout: out }));
  });
  expect(code).toBe(1);
  expect(stdout.trim().split("\n").at(-1)).toMatch(/^0 passed, [1-9]\d* failed, \d+ skipped$/);
});
