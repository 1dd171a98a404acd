// TypeScript lint for the whole repository, tests included. Besides the
// usual rules it holds the package boundaries (see README "Packages"):
// the client never imports the server, the server never imports the client
// or the conformance suite, the suite reaches servers only over the wire,
// and code outside a package uses it by its package name, never its files.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

const within = (...folders) => `^(\\.\\./)+(${folders.join("|")})(/|$)`;

/** no-restricted-imports for one package: what it must not reach, and why. */
function boundary(files, rules) {
  // A later entry for the same files replaces this rule, so each entry lists every pattern.
  return {
    files,
    rules: {
      "no-restricted-imports": ["error", { patterns: rules.map(([regex, message]) => ({ regex, message })) }],
    },
  };
}

const notServer = [
  [within("server"), "Reach the server over the wire (a transport), never its files."],
  ["^@cohost-kit/server", "Reach the server over the wire (a transport), never its package."],
];
const notSuite = [
  [within("conformance"), "The conformance suite depends on the packages, not the other way round."],
  ["^@cohost-kit/conformance", "The conformance suite depends on the packages, not the other way round."],
];
const notIntegration = [[within("integration"), "integration/ holds cross-package tests; packages never import it."]];
const notDeepClient = [[within("client"), "Use the client by its package name (@cohost-kit/client), never its files."]];
const specByName = [[within("gen"), "Import the generated code as @cohost-kit/spec/..., never by path."]];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "gen/src/**",
      "gen/proto/**",
      "server/grpc/generated/**",
      "coverage/**",
      "test-results/**",
      "reports/**",
      ".stryker-tmp/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-constant-condition": ["error", { checkLoops: false }],
      eqeqeq: ["error", "always"],
    },
  },
  boundary(["client/**/*.ts"], [...notServer, ...notSuite, ...notIntegration, ...specByName]),
  {
    ...boundary(
      ["client/**/*.ts"],
      [
        ...notServer,
        ...notSuite,
        ...notIntegration,
        ...specByName,
        ["^node:", "The client runs in browsers: no Node built-ins."],
        ["^(ioredis|jose)$", "Server-side libraries have no place in the browser client."],
      ],
    ),
    ignores: ["client/**/*.spec.ts", "client/testing/**"],
  },
  boundary(
    ["server/**/*.ts"],
    [
      [within("client"), "The server never imports the client."],
      ["^@cohost-kit/client", "The server never imports the client."],
      ...notSuite,
      ...notIntegration,
      ...specByName,
    ],
  ),
  boundary(["conformance/**/*.ts"], [...notServer, ...notIntegration, ...notDeepClient, ...specByName]),
  boundary(
    ["integration/**/*.ts", "examples/**/*.ts", "playground/**/*.{ts,tsx}"],
    [[within("server", "client", "conformance", "gen"), "Use the packages by name, as an installed app would."]],
  ),
  prettier,
);
