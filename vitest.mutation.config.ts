// The vitest configuration Stryker runs (`npm run mutation`): the conformance
// suite as one test per case (integration/mutation/), with the workspace
// packages resolved to their TypeScript sources like vitest.config.ts does,
// so Stryker's instrumented server sources are what the cases reach.
import { fileURLToPath } from "node:url";
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

const source = "@cohost-kit/source";

export default defineConfig({
  resolve: {
    conditions: [source, ...defaultClientConditions],
    // By its package name the server resolves through node_modules to the checkout's own files; Stryker
    // mutates a copy of them in its sandbox beside this file, so the cases import the server from here.
    alias: [{ find: /^@cohost-kit\/server\/testing$/, replacement: fileURLToPath(new URL("./server/testing/index.ts", import.meta.url)) }],
  },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions], externalConditions: [source] } },
  test: {
    include: ["integration/mutation/*.mutation.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
