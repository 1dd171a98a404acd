// Our CoHostStore in the browser behind the client runner protocol: the
// same driver session as the Node driver, with @connectrpc/connect-web
// transports. Lines come in through window.cohostDriver.handle and go out,
// in order, through the function main.ts exposes (window.cohostEmit).
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { DriverSession } from "@cohost-kit/conformance/driver";
import { HttpVersion, Protocol, type Transport } from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";

declare global {
  interface Window {
    cohostEmit(lines: string[]): Promise<void>;
    cohostDriver: { handle(line: string): void; disposeAll(): void };
  }
}

// One call to Node at a time, so lines leave in the order the store made them.
const outbox: string[] = [];
let sending = false;
async function pump(): Promise<void> {
  if (sending) return;
  sending = true;
  while (outbox.length > 0) await window.cohostEmit(outbox.splice(0));
  sending = false;
}

function makeTransport(baseUrl: string, transport: Transport) {
  if (transport.httpVersion !== HttpVersion.HTTP_VERSION_1_1) throw new Error("a page reaches a cleartext server over HTTP/1.1 only");
  if (transport.protocol === Protocol.CONNECT) return createConnectTransport({ baseUrl });
  if (transport.protocol === Protocol.GRPC_WEB) return createGrpcWebTransport({ baseUrl });
  throw new Error("a browser speaks Connect and gRPC-Web, not gRPC");
}

const session = new DriverSession({
  clientName: `@cohost-kit/client CoHostStore (${navigator.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? "browser"}, connect-web)`,
  transports: [
    { protocol: Protocol.CONNECT, httpVersion: HttpVersion.HTTP_VERSION_1_1 },
    { protocol: Protocol.GRPC_WEB, httpVersion: HttpVersion.HTTP_VERSION_1_1 },
  ],
  makeTransport,
  write: (line) => {
    outbox.push(line);
    void pump();
  },
});

window.cohostDriver = { handle: (line) => session.handle(line), disposeAll: () => session.disposeAll() };
document.body.dataset.ready = "true";
