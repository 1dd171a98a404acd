// The Chromium driver of the client runner: our CoHostStore running in real
// browser pages, driven through the same JSON lines as the Node driver.
// This process builds the page, opens it in Debian's Chromium and relays
// lines between its stdin/stdout and the pages. A browser opens at most six
// HTTP/1.1 connections per origin and profile, and every store holds one
// stream, so each page (in a browser context of its own) hosts at most
// STORES_PER_PAGE stores at once and more pages open as needed.
//   cohost-conformance client --command "node --import tsx integration/browser-driver/main.ts" \
//     --protocol connect --protocol grpc-web --http 1.1
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { buildAndServePage, launchChromium } from "../support/browser-harness.js";

// stdout carries protocol lines only: everything else (Vite, playwright, us) logs to stderr.
console.log = console.error;
console.info = console.error;
const log = (line: string) => process.stderr.write(`browser-driver: ${line}\n`);

const outDir = mkdtempSync(join(tmpdir(), "cohost-browser-driver-"));
const served = await buildAndServePage(fileURLToPath(new URL("./page", import.meta.url)), outDir);
const browser = await launchChromium();

/** Streams of its stores plus room for their unary calls: within the six connections. */
const STORES_PER_PAGE = 4;

interface StorePage {
  context: BrowserContext;
  page: Page;
}

interface Slot {
  page: Promise<StorePage>;
  stores: Set<string>;
}

const slots: Slot[] = [];
const slotOf = new Map<string, Slot>();
/** Ids of disposeStore commands in flight, with their store: its place frees once the result is out. */
const disposing = new Map<number, string>();

function emit(lines: string[]): void {
  for (const line of lines) {
    process.stdout.write(`${line}\n`);
    const id = line.startsWith('{"result"') ? (JSON.parse(line) as { result: { id?: number } }).result.id : undefined;
    const storeId = id === undefined ? undefined : disposing.get(id);
    if (storeId === undefined) continue;
    disposing.delete(id!);
    slotOf.get(storeId)?.stores.delete(storeId);
    slotOf.delete(storeId);
  }
}

async function openPage(name: string): Promise<StorePage> {
  const t0 = Date.now();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("console", (m) => m.type() !== "error" && log(`${name} ${m.type()}: ${m.text()}`));
  page.on("pageerror", (err) => log(`${name} page error: ${err.message}`));
  await page.exposeFunction("cohostEmit", emit);
  await page.goto(served.url);
  await page.waitForSelector("body[data-ready=true]");
  if (process.env.COHOST_DRIVER_DEBUG) log(`${name}: open in ${Date.now() - t0} ms`);
  return { context, page };
}

function placeStore(storeId: string): Slot {
  let slot = slots.find((s) => s.stores.size < STORES_PER_PAGE);
  if (!slot) {
    slot = { page: openPage(`page ${slots.length + 1}`), stores: new Set() };
    slots.push(slot);
  }
  slot.stores.add(storeId);
  slotOf.set(storeId, slot);
  return slot;
}

const lobby = openPage("lobby"); // answers hello, and commands for stores it does not know
const deliver = (target: Promise<StorePage>, line: string) =>
  target
    .then(({ page }) => page.evaluate((l) => window.cohostDriver.handle(l), line))
    .catch((err: unknown) => log(`could not hand a line to the page: ${String(err)}`));

let closing = false;
const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on("line", (line) => {
  if (line.trim() === "" || closing) return;
  const message = JSON.parse(line) as Record<string, { storeId?: string } | number>;
  const command = Object.entries(message).find(([key]) => key !== "id");
  const storeId = typeof command?.[1] === "object" ? command[1].storeId : undefined;
  if (command?.[0] === "createStore" && storeId !== undefined && !slotOf.has(storeId)) placeStore(storeId);
  if (command?.[0] === "disposeStore" && storeId !== undefined) disposing.set(message.id as number, storeId);
  void deliver((storeId !== undefined && slotOf.get(storeId)?.page) || lobby, line);
});
input.on("close", () => {
  closing = true;
  void (async () => {
    await Promise.all(
      [...slots.map((s) => s.page), lobby].map((p) =>
        p.then(({ page }) => page.evaluate(() => window.cohostDriver.disposeAll())).catch(() => {}),
      ),
    );
    await browser.close();
    await served.close();
    rmSync(outDir, { recursive: true, force: true });
    process.stdout.write("", () => process.exit(0));
  })();
});
log(`ready: pages from ${served.url}`);
