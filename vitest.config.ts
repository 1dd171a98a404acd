import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Tests import the workspace packages by name; the "@cohost-kit/source"
// export condition points them at their TypeScript sources, so a test never
// runs against a stale build. Tests of what users install (bins, tarballs,
// the browser bundle) use the compiled output on purpose.
const source = "@cohost-kit/source";

export default defineConfig({
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions], externalConditions: [source] } },
  test: {
    include: ["**/*.spec.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", ".stryker-tmp/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ["default", "./.ci/summary-reporter.ts"],
  },
});
