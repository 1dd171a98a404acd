// The kit as other teams install it: every package is packed, and the
// tarballs are installed into fresh temporary apps outside this repository
// (no workspace links) with the commands README "Install" gives, the
// package names replaced by the tarballs' paths. Needs the npm registry for
// the peer dependencies; fails (never skips) without it.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDirs } from "./support/temp-dirs.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const fixtures = join(root, "integration/consumer");
const tempDir = tempDirs("cohost-consumer-");
const secrets = { tokenSecret: "consumer-test-secret-0123456789abcdef", adminKey: "consumer-test-admin-key" };

/** The versions this repository pins, and the newest 2.x the registry serves today (looked up in beforeAll). */
const pinned = { connect: "2.1.2", protobuf: "2.13.0" };
const newest = { connect: "", protobuf: "" };
type Versions = { connect: string; protobuf: string };
const peers = (v: Versions, transport: "connect-node" | "connect-web") => [
  `@connectrpc/${transport}@${v.connect}`,
  `@connectrpc/connect@${v.connect}`,
  `@bufbuild/protobuf@${v.protobuf}`,
];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 180_000): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

async function ok(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const r = await run(command, args, cwd, env);
  if (r.code !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The packed tarball of each package, by package name. */
const tarballs: Record<string, string> = {};
const tarball = (name: string) => tarballs[name] ?? "";

/** A fresh app directory with the kit's tarballs and `others` installed. */
async function app(kit: string[], others: string[], files: Record<string, string> = {}, flags: string[] = []): Promise<string> {
  const dir = tempDir();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer-app", private: true, type: "module" }, null, 2));
  for (const [to, from] of Object.entries(files)) cpSync(from, join(dir, to), { recursive: true });
  // The kit's packages are not on the registry: their tarballs stand in for the names.
  const names = kit.map((name) => tarball(name));
  const install = await run("npm", ["install", ...flags, "--no-audit", "--no-fund", ...names, ...others], dir);
  if (install.code !== 0) {
    throw new Error(`npm install failed in ${dir} (is the npm registry reachable?)\n${install.stdout}\n${install.stderr}`);
  }
  return dir;
}

/** Bytes under a directory. */
function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}

const kilobytes = (path: string) => (sizeOf(path) / 1024).toFixed(1);

function installedPackages(dir: string): string[] {
  const out: string[] = [];
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith(".")) continue;
      if (entry.startsWith("@")) for (const scoped of readdirSync(join(modules, entry))) out.push(`${entry}/${scoped}`);
      else out.push(entry);
    }
  };
  walk(join(dir, "node_modules"));
  return out.sort();
}

let server: ChildProcess | undefined;
let serverUrl = "";
let serverDir = "";

/** The highest version of `name` within `range`, as the registry says. */
async function newestOf(name: string, range: string): Promise<string> {
  const out = await ok("npm", ["view", `${name}@${range}`, "version", "--json"], tempDir());
  const versions = JSON.parse(out) as string | string[];
  return Array.isArray(versions) ? versions.at(-1)! : versions;
}

beforeAll(async () => {
  newest.connect = await newestOf("@connectrpc/connect", "^2");
  newest.protobuf = await newestOf("@bufbuild/protobuf", "^2");
  const packs = tempDir();
  const packed = await ok(
    "npm",
    ["pack", "-w", "gen", "-w", "client", "-w", "server", "-w", "conformance", "--pack-destination", packs, "--json"],
    root,
  );
  for (const p of JSON.parse(packed) as { name: string; filename: string }[]) tarballs[p.name] = join(packs, p.filename);
  expect(Object.keys(tarballs).sort()).toEqual(["@cohost-kit/client", "@cohost-kit/conformance", "@cohost-kit/server", "@cohost-kit/spec"]);

  // A platform team runs the reference server from its installed bin.
  serverDir = await app(["@cohost-kit/server", "@cohost-kit/spec"], peers(pinned, "connect-node"));
  const env = {
    PORT: "0",
    COHOST_MODE: "production",
    COHOST_HOST: "127.0.0.1",
    COHOST_TOKEN_SECRET: secrets.tokenSecret,
    COHOST_ADMIN_KEY: secrets.adminKey,
  };
  server = spawn(join(serverDir, "node_modules/.bin/cohost-server"), [], {
    cwd: serverDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  server.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!serverUrl && Date.now() < deadline) {
    const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
    if (line) serverUrl = (JSON.parse(line) as { url: string }).url;
    else if (server.exitCode !== null) break;
    else await new Promise((r) => setTimeout(r, 50));
  }
  if (!serverUrl) throw new Error(`the installed cohost-server did not start:\n${out}`);
  console.log(`@cohost-kit/server installed: ${kilobytes(join(serverDir, "node_modules/@cohost-kit/server"))} KB`);
}, 600_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
});

async function hostToken(user: string): Promise<string> {
  const out = await ok(join(serverDir, "node_modules/.bin/cohost-token"), ["--user", user, "--secret", secrets.tokenSecret], serverDir);
  return out.trim();
}

describe("the kit installed from its tarballs", () => {
  for (const [label, versions] of [
    ["the pinned Connect and protobuf", pinned],
    ["the newest Connect and protobuf 2.x", newest],
  ] as const) {
    it(`an app team's strict NodeNext app with ${label} type-checks and connects two hosts`, { timeout: 600_000 }, async () => {
      const dir = await app(
        ["@cohost-kit/client", "@cohost-kit/spec"],
        [...peers(versions, "connect-node"), "typescript@5.9.3", "@types/node@20.19.43"],
        {
          "app.ts": join(fixtures, "client-app/app.ts"),
          "tsconfig.json": join(fixtures, "client-app/tsconfig.json"),
        },
      );
      await ok(join(dir, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], dir);
      const env = {
        SERVER_URL: serverUrl,
        ADMIN_KEY: secrets.adminKey,
        ALICE_TOKEN: await hostToken("alice"),
        BOB_TOKEN: await hostToken("bob"),
      };
      const output = await ok(process.execPath, ["dist/app.js"], dir, env);
      expect(output).toContain("CONSUMER-APP-OK");
      const version = (name: string) =>
        (JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
      expect(version("@connectrpc/connect")).toBe(versions.connect);
      expect(version("@bufbuild/protobuf")).toBe(versions.protobuf);
      console.log(
        `client app with @connectrpc/connect ${versions.connect}, @bufbuild/protobuf ${versions.protobuf}: ${output.trim().split("\n").length} lines, CONSUMER-APP-OK`,
      );
    });
  }

  it("a client-only app installs no server dependency", { timeout: 300_000 }, async () => {
    const dir = await app(["@cohost-kit/client", "@cohost-kit/spec"], peers(pinned, "connect-web"));
    const installed = installedPackages(dir);
    for (const forbidden of ["ioredis", "jose", "tsx", "esbuild", "@connectrpc/connect-node", "@cohost-kit/server", "fast-check", "yaml"]) {
      expect(installed, `${forbidden} installed`).not.toContain(forbidden);
    }
    console.log(
      `client-only install: ${installed.length} packages, node_modules ${kilobytes(join(dir, "node_modules"))} KB; ` +
        `@cohost-kit/client ${kilobytes(join(dir, "node_modules/@cohost-kit/client"))} KB, @cohost-kit/spec ${kilobytes(join(dir, "node_modules/@cohost-kit/spec"))} KB`,
    );
  });

  it("a browser app type-checks with bundler resolution, and its bundle holds no server code", { timeout: 300_000 }, async () => {
    const dir = await app(["@cohost-kit/client", "@cohost-kit/spec"], [...peers(pinned, "connect-web"), "typescript@5.9.3"], {
      "entry.ts": join(fixtures, "web-app/entry.ts"),
      "tsconfig.json": join(fixtures, "web-app/tsconfig.json"),
    });
    await ok(join(dir, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], dir);
    const result = await build({
      entryPoints: [join(dir, "entry.ts")],
      absWorkingDir: dir,
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      metafile: true,
    });
    const code = result.outputFiles[0]!.text;
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /ioredis|jose|@cohost-kit\/server|connect-node/.test(i))).toEqual([]);
    expect(code).not.toMatch(/\bnode:[a-z]/);
    expect(code).not.toMatch(/\brequire\(/);
    const gzip = gzipSync(code).length;
    console.log(
      `browser bundle (client + connect-web + protobuf): ${(code.length / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzipped`,
    );
  });

  it("npx cohost-conformance --url from the installed package passes against the installed server", { timeout: 600_000 }, async () => {
    const dir = await app(["@cohost-kit/conformance", "@cohost-kit/client", "@cohost-kit/spec"], peers(pinned, "connect-node"), {}, [
      "--save-dev",
    ]);
    const r = await run(
      "npx",
      ["cohost-conformance", "--url", serverUrl, "--admin-key", secrets.adminKey, "--token-secret", secrets.tokenSecret],
      dir,
    );
    console.log(`@cohost-kit/conformance installed: ${kilobytes(join(dir, "node_modules/@cohost-kit/conformance"))} KB`);
    const closing = r.stdout.trim().split("\n").at(-1) ?? "";
    expect(closing, r.stdout.slice(-3000) + r.stderr).toMatch(/^\d+ passed, 0 failed$/);
    expect(r.code).toBe(0);
    console.log(`installed cohost-conformance: ${closing}`);
  });

  it("registerConformance from the installed package runs inside the app's own vitest", { timeout: 600_000 }, async () => {
    const dir = await app(
      ["@cohost-kit/conformance", "@cohost-kit/client", "@cohost-kit/spec"],
      [...peers(pinned, "connect-node"), "vitest@4.1.12"],
      {
        "conformance.test.ts": join(fixtures, "ci-app/conformance.test.ts"),
      },
    );
    const env = { SERVER_URL: serverUrl, ADMIN_KEY: secrets.adminKey, TOKEN_SECRET: secrets.tokenSecret, NO_COLOR: "1" };
    const r = await run("npx", ["vitest", "run"], dir, env);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    const tests = /Tests\s+(\d+) passed/.exec(r.stdout);
    expect(Number(tests?.[1] ?? 0)).toBeGreaterThan(0);
    console.log(`app's own vitest: ${tests?.[1]} conformance cases passed`);
  });

  it("a server team generates code from the .proto files of the installed spec package", { timeout: 300_000 }, async () => {
    const dir = await app(["@cohost-kit/spec"], ["@bufbuild/buf@1.75.0", "@bufbuild/protoc-gen-es@2.13.0", "@bufbuild/protobuf@2.13.0"], {
      "buf.gen.yaml": join(fixtures, "proto-app/buf.gen.yaml"),
    });
    expect(existsSync(join(dir, "node_modules/@cohost-kit/spec/proto/cohost/v1/cohost.proto"))).toBe(true);
    await ok(join(dir, "node_modules/.bin/buf"), ["generate"], dir, {
      PATH: `${join(dir, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
    });
    const generated = readFileSync(join(dir, "generated/cohost/v1/cohost_pb.ts"), "utf8");
    expect(generated).toContain("export const CoHostService");
    expect(generated).toContain("export const RoomAdminService");
  });
});
