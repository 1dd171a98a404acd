// The playground page as a visitor sees it: served at "/" by the compiled
// `cohost-server` bin in development mode, driven in Chromium through
// request, accept, a third room joining, exit, timeout, candidates paging
// and a dropped feed stream, asserting what the page shows. Screenshots go to
// test-results/. Also: how the page is served (content types, no path
// traversal) and that production keeps it off, and the credentials always.
import { existsSync, mkdirSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { startServerProcess, type ServerProcess } from "./support/server-process.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const running: ServerProcess[] = [];
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH; .ci/run installs it`);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  for (const server of running.splice(0)) await server.kill();
});

function start(env: Record<string, string>): ServerProcess {
  const server = startServerProcess({ PORT: "0", ...env });
  running.push(server);
  return server;
}

const text = (page: Page, id: string) => page.getByTestId(id).textContent();
const lines = (page: Page, id: string) => page.getByTestId(id).locator("li").allTextContents();

/** Waits until the element shows `expected` (or a line containing it, for lists). */
async function shows(page: Page, id: string, expected: string): Promise<void> {
  await page
    .waitForFunction(
      ([id, expected]) => {
        const el = document.querySelector(`[data-testid="${id}"]`);
        if (!el) return false;
        const items = [...el.querySelectorAll("li")].map((li) => li.textContent ?? "");
        return items.length > 0 ? items.some((t) => t.includes(expected!)) : el.textContent === expected;
      },
      [id, expected],
      { timeout: 10_000 },
    )
    .catch(async () => {
      throw new Error(`${id} never showed "${expected}"; it shows: ${await page.getByTestId(id).textContent()}`);
    });
}

describe("the playground in Chromium", () => {
  it("drives hosts through request, accept, a third room, exit, timeout, candidates and a resume", { timeout: 90_000 }, async () => {
    const server = start({ COHOST_KEEPALIVE_SECONDS: "1" });
    const url = await server.listening();
    const page = await browser.newPage({ viewport: { width: 1320, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    const grpcWebCalls: string[] = [];
    page.on(
      "request",
      (r) => r.headers()["content-type"]?.startsWith("application/grpc-web") && grpcWebCalls.push(new URL(r.url()).pathname),
    );
    await page.goto(`${url}/`);
    await shows(page, "credentials", "development mode: credentials from the server");
    await page.getByTestId("add-host").click();
    for (const room of ["room-a", "room-b", "room-c"]) {
      // Alice and Bob over Connect, Carol over gRPC-Web.
      if (room === "room-c") await page.getByTestId("protocol").selectOption("grpc-web");
      await page.getByTestId(`${room}-open`).click();
      await shows(page, `${room}-feed`, "live");
      await shows(page, `${room}-status`, "disconnected");
    }

    // Alice invites Bob; Bob sees the applicant and the callback, accepts; both are connected.
    await page.getByTestId("room-a-target").fill("room-b");
    await page.getByTestId("room-a-extra").fill("hi Bob");
    await page.getByTestId("room-a-request").click();
    await shows(page, "room-b-applicant", "Alice");
    await shows(page, "room-a-invitees", "Bob");
    await shows(page, "room-b-events", 'onCoHostRequestReceived(Alice, "hi Bob")');
    await page.getByTestId("room-b-accept").click();
    await shows(page, "room-a-status", "connected");
    await shows(page, "room-a-connected", "Alice, Bob");
    await shows(page, "room-b-connected", "Alice, Bob");
    await shows(page, "room-a-events", "onCoHostRequestAccepted(Bob)");
    await shows(page, "room-a-events", "onCoHostUserJoined(Bob)");
    await page.screenshot({ path: "test-results/playground-accepted.png", fullPage: true });

    // A third room joins the connection.
    await page.getByTestId("room-a-target").fill("room-c");
    await page.getByTestId("room-a-request").click();
    await shows(page, "room-c-applicant", "Alice");
    await page.getByTestId("room-c-accept").click();
    for (const room of ["room-a", "room-b", "room-c"]) await shows(page, `${room}-connected`, "Alice, Bob, Carol");
    await shows(page, "room-b-events", "onCoHostUserJoined(Carol)");
    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/playground-three-hosts.png", fullPage: true });

    // Bob exits: the others stay connected and see him leave.
    await page.getByTestId("room-b-exit").click();
    await shows(page, "room-b-status", "disconnected");
    await shows(page, "room-b-connected", "–");
    await shows(page, "room-a-connected", "Alice, Carol");
    await shows(page, "room-c-events", "onCoHostUserLeft(Bob)");

    // A request nobody answers times out on both sides (R7).
    await page.getByTestId("room-a-target").fill("room-b");
    await page.getByTestId("room-a-timeout").fill("1");
    await page.getByTestId("room-a-request").click();
    await shows(page, "room-b-applicant", "Alice");
    await shows(page, "room-b-events", "onCoHostRequestTimeout(Alice → Bob)");
    await shows(page, "room-a-events", "onCoHostRequestTimeout(Alice → Bob)");
    await shows(page, "room-b-applicant", "–");
    await shows(page, "room-a-invitees", "–");

    // Candidates: open rooms other than Alice's connection.
    await page.getByTestId("room-a-candidates-first").click();
    await shows(page, "room-a-candidates", "Bob");
    await shows(page, "room-a-cursor", "–");
    // With more rooms than a page (20), the cursor appears and More appends the next page (R17).
    const { adminKey } = (await (await fetch(`${url}/playground/dev-credentials`)).json()) as { adminKey: string };
    const admin = createClient(RoomAdminService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
    for (let i = 0; i < 21; i++) {
      const liveId = `room-z${String(i).padStart(2, "0")}`;
      await admin.openRoom({ liveId, userId: `z${i}`, userName: `Z${i}` }, { headers: { authorization: `Bearer ${adminKey}` } });
    }
    await page.getByTestId("room-a-candidates-first").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="room-a-cursor"]')?.textContent !== "–");
    expect((await text(page, "room-a-candidates"))!.split(", ")).toHaveLength(20);
    await page.getByTestId("room-a-candidates-more").click();
    await shows(page, "room-a-cursor", "–");
    expect((await text(page, "room-a-candidates"))!.split(", ")).toHaveLength(22); // Bob and the 21 others

    // The feed timeline: a new stream, its snapshot, numbered changes, keep-alives (1 s here).
    await shows(page, "room-a-timeline", "WatchCoHost: new stream");
    await shows(page, "room-a-timeline", "SNAPSHOT #0");
    await shows(page, "room-a-timeline", "CHANGE #2: requestAccepted, userJoined");
    await shows(page, "room-a-timeline", "KEEP_ALIVE #");
    // A dropped stream resumes from the last sequence: first a KEEP_ALIVE at that position.
    const before = (await lines(page, "room-b-timeline")).filter((l) => l.includes("CHANGE #")).length;
    const last = Math.max(...(await lines(page, "room-b-timeline")).map((l) => Number(/#(\d+)/.exec(l)?.[1] ?? -1)));
    await page.getByTestId("room-b-drop").click();
    await shows(page, "room-b-timeline", "stream cut here (Drop stream)");
    await shows(page, "room-b-timeline", `WatchCoHost: resume after #${last}`);
    await shows(page, "room-b-feed", "live");
    expect((await lines(page, "room-b-timeline")).filter((l) => l.includes("CHANGE #")).length).toBe(before);
    expect(await text(page, "room-b-status")).toBe("disconnected");

    expect(grpcWebCalls).toContain("/cohost.v1.CoHostService/WatchCoHost");
    expect(grpcWebCalls).toContain("/cohost.v1.CoHostService/AcceptHostConnection");
    await page.screenshot({ path: "test-results/playground.png", fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("serves its files with their content types, nothing outside them, and no credentials outside development", async () => {
    const dev = start({});
    const url = await dev.listening();
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
    const asset = await fetch(`${url}/${script}`);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    for (const path of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/assets/../../main.js",
      "/..%2f..%2fmain.js",
      "/main.js",
      "/index.html%00",
    ]) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(404);
    }

    // Development mode with the operator's own secrets: the page, but no credentials for it.
    const own = start({ COHOST_TOKEN_SECRET: "t".repeat(40), COHOST_ADMIN_KEY: "o".repeat(24) });
    const ownUrl = await own.listening();
    expect((await fetch(`${ownUrl}/`)).status).toBe(200);
    expect((await fetch(`${ownUrl}/playground/dev-credentials?user=alice`)).status).toBe(404);

    const secrets = {
      COHOST_TOKEN_SECRET: "s".repeat(40),
      COHOST_ADMIN_KEY: "k".repeat(24),
      COHOST_MODE: "production",
      COHOST_HOST: "127.0.0.1",
    };
    const prod = start(secrets);
    const prodUrl = await prod.listening();
    expect((await fetch(`${prodUrl}/`)).status).toBe(404);
    const asked = start({ ...secrets, COHOST_PLAYGROUND: "on" });
    const askedUrl = await asked.listening();
    expect((await fetch(`${askedUrl}/`)).status).toBe(200);
    expect((await fetch(`${askedUrl}/playground/dev-credentials?user=alice`)).status).toBe(404);
    expect(asked.output().stdout).not.toContain(secrets.COHOST_ADMIN_KEY);
  });
});
