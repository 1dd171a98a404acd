#!/usr/bin/env node
// cohost-conformance-ts-driver: our TypeScript CoHostStore behind the client
// runner protocol, over @connectrpc/connect-node. Run it through the suite:
//   cohost-conformance client --command cohost-conformance-ts-driver
import { createInterface } from "node:readline";
import { DriverSession } from "./driver-session.js";
import { NODE_TRANSPORTS, nodeTransport } from "./node-transports.js";

const session = new DriverSession({
  clientName: "@cohost-kit/client CoHostStore (Node, connect-node)",
  transports: NODE_TRANSPORTS,
  makeTransport: nodeTransport,
  write: (line) => process.stdout.write(`${line}\n`),
});

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (line.trim() !== "") session.handle(line);
});
lines.on("close", () => {
  session.disposeAll();
  // Idle HTTP/2 sessions would keep the process alive: leave once stdout is flushed.
  process.stdout.write("", () => process.exit(0));
});
