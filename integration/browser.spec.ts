// The same CoHostStore code in a real browser: a page built with Vite uses
// @connectrpc/connect-web against the reference server (another origin, so
// CORS is exercised), driven by playwright-core in Debian's Chromium.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { buildAndServePage, launchChromium, type ServedPage } from "./support/browser-harness.js";
import { tempDirs } from "./support/temp-dirs.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintHostToken, systemClock, type CoHostServer } from "@cohost-kit/server";
import { Clients, newServer, TEST_SECRET, transportFor } from "@cohost-kit/server/testing";

const tempDir = tempDirs("cohost-page-");
const pageRoot = fileURLToPath(new URL("./browser-page", import.meta.url));

let server: CoHostServer;
let serverUrl: string;
let served: ServedPage;
let pageUrl: string;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  server = newServer();
  serverUrl = (await server.listen({ port: 0, host: "127.0.0.1" })).url;
  served = await buildAndServePage(pageRoot, tempDir());
  pageUrl = served.url;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await server?.close(50);
});

describe("CoHostStore in Chromium", () => {
  it("shows two hosts connecting, over Connect and gRPC-Web from the browser", { timeout: 60_000 }, async () => {
    const admin = new Clients(transportFor(serverUrl, "connect", "1.1"), systemClock);
    await admin.admin.openRoom({ liveId: "room-a", userId: "alice", userName: "Alice" }, admin.adminHeaders());
    await admin.admin.openRoom({ liveId: "room-b", userId: "bob", userName: "Bob" }, admin.adminHeaders());
    const query = new URLSearchParams({
      server: serverUrl,
      tokenA: await mintHostToken(TEST_SECRET, "alice"),
      tokenB: await mintHostToken(TEST_SECRET, "bob"),
    });
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("console", (m) => process.env.DEBUG_BROWSER && console.log("browser:", m.type(), m.text()));
    page.on("requestfailed", (r) => process.env.DEBUG_BROWSER && console.log("failed:", r.url(), r.failure()?.errorText));
    await page.goto(`${pageUrl}?${query}`);
    await page
      .waitForFunction(() => document.getElementById("result")?.textContent !== "running…", null, { timeout: 15_000 })
      .catch(async (err: unknown) => {
        throw new Error(`page did not finish: ${await page.textContent("body")}\nconsole errors: ${consoleErrors.join("\n")}`, {
          cause: err,
        });
      });
    expect(await page.textContent("#result")).toBe("done");
    expect(await page.textContent('[data-testid="room-a-status"]')).toBe("connected");
    expect(await page.textContent('[data-testid="room-b-connected"]')).toBe("Alice, Bob");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="room-a-events"] li').length >= 2);
    expect(await page.locator('[data-testid="room-a-events"] li').allTextContents()).toEqual(["request accepted by Bob", "Bob joined"]);
    expect(await page.locator('[data-testid="room-b-events"] li').allTextContents()).toEqual([
      "request received from Alice (hello from the browser)",
      "Alice joined",
    ]);
    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/browser-two-hosts.png" });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
