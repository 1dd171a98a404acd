import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.spec.ts"],
    exclude: ["node_modules/**", "dist/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ["default", "./.ci/summary-reporter.ts"],
  },
});
