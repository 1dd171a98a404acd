// The suite's side of the client runner protocol: a driver (a child
// process speaking JSON lines on stdin/stdout, or an in-process session),
// the handshake, commands with their results, and each store's events in
// the order the driver wrote them.
import { spawn } from "node:child_process";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ClientHello, Result, RunnerMessageSchema, StoreEvent } from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";
import { DriverSession, type DriverSessionOptions } from "./driver-session.js";
import { decodeClientMessage, encodeRunnerMessage, PROTOCOL_VERSION, ProtocolError } from "./protocol.js";

/** A running driver: lines in both directions, its exit, its stderr. */
export interface DriverPipe {
  write(line: string): void;
  onLine(handler: (line: string) => void): void;
  onExit(handler: (description: string) => void): void;
  /** The end of what the driver wrote to stderr. */
  stderrTail(): string;
  /** Closes the driver's stdin and waits for it to exit (killing it after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

const STDERR_KEEP = 16_384;

/** Starts `command` through the shell, as `--command` gives it. */
export function spawnDriver(command: string, env: NodeJS.ProcessEnv = process.env): DriverPipe {
  const child = spawn(command, { shell: true, stdio: ["pipe", "pipe", "pipe"], env });
  let stderr = "";
  let buffered = "";
  const lineHandlers: ((line: string) => void)[] = [];
  const exitHandlers: ((d: string) => void)[] = [];
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on("close", (code, signal) => {
      exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
      for (const h of exitHandlers) h(exit);
      resolve();
    }),
  );
  child.on("error", (err) => {
    exit = `could not start: ${err.message}`;
    for (const h of exitHandlers) h(exit);
  });
  child.stdin.on("error", () => {}); // a driver that died; its exit is reported
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-STDERR_KEEP)));
  child.stdout.on("data", (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).replace(/\r$/, "");
      buffered = buffered.slice(nl + 1);
      if (line.trim() !== "") for (const h of lineHandlers) h(line);
    }
  });
  return {
    write: (line) => void child.stdin.write(`${line}\n`),
    onLine: (h) => void lineHandlers.push(h),
    onExit: (h) => (exit ? h(exit) : void exitHandlers.push(h)),
    stderrTail: () => stderr,
    async close(graceMs = 5_000) {
      child.stdin.end();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Our TypeScript driver in this process (the suite's fast client mode), still speaking JSON lines. */
export function inProcessDriver(options: Omit<DriverSessionOptions, "write">): DriverPipe {
  const lineHandlers: ((line: string) => void)[] = [];
  let open = true;
  const session = new DriverSession({ ...options, write: (line) => open && lineHandlers.forEach((h) => h(line)) });
  return {
    write: (line) => open && session.handle(line),
    onLine: (h) => void lineHandlers.push(h),
    onExit: () => {},
    stderrTail: () => "",
    async close() {
      open = false;
      session.disposeAll();
    },
  };
}

type ResultValue = Result["result"];
type Command = MessageInitShape<typeof RunnerMessageSchema>["command"];

/** Every line the driver writes gets a place in one order: events and results compare by it. */
export interface Ordered {
  index: number;
}

export class DriverChannel {
  private nextId = 1;
  private index = 0;
  private readonly pending = new Map<number, { resolve: (r: ResultValue & Ordered) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, (event: StoreEvent, index: number) => void>();
  /** Stores the suite has let go of: their late events (a feed closing after dispose) are dropped. */
  private readonly forgotten = new Set<string>();
  /** Commands the suite stopped waiting for: their late results are dropped. */
  private readonly abandoned = new Set<number>();
  private broken: string | undefined;
  hello!: ClientHello;

  private constructor(readonly pipe: DriverPipe) {
    pipe.onLine((line) => this.receive(line));
    pipe.onExit((how) => this.fail(`the driver ${how}`));
  }

  /** Starts the session: Hello, and the driver's ClientHello. */
  static async open(pipe: DriverPipe, suiteVersion: string, timeoutMs: number): Promise<DriverChannel> {
    const channel = new DriverChannel(pipe);
    const result = await channel.send({ case: "hello", value: { protocolVersion: PROTOCOL_VERSION, suiteVersion } }, timeoutMs);
    if (result.case !== "hello") throw new ProtocolError(`the driver answered Hello with ${result.case ?? "nothing"}`);
    if (result.value.protocolVersion !== PROTOCOL_VERSION) {
      throw new ProtocolError(`the driver speaks protocol version ${result.value.protocolVersion}; this suite speaks ${PROTOCOL_VERSION}`);
    }
    if (result.value.transports.length === 0) throw new ProtocolError("the driver's ClientHello lists no transports");
    channel.hello = result.value;
    return channel;
  }

  /** Why the channel no longer works (driver exited, broke the protocol), or undefined. */
  get failure(): string | undefined {
    return this.broken;
  }

  /** The place the next line will get: what a result or event has to come after. */
  get position(): number {
    return this.index;
  }

  /** Sends a command; resolves with its result and the place of the result line. */
  send(command: Command, timeoutMs: number): Promise<ResultValue & Ordered> {
    if (this.broken) return Promise.reject(new ProtocolError(this.broken));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.abandoned.add(id);
        reject(new ProtocolError(`the driver did not answer ${command?.case} (id ${id}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.pipe.write(encodeRunnerMessage({ id, command }));
    });
  }

  /** Routes a store's events to `listener` (one listener per store). */
  listen(storeId: string, listener: (event: StoreEvent, index: number) => void): () => void {
    this.listeners.set(storeId, listener);
    return () => {
      this.listeners.delete(storeId);
      this.forgotten.add(storeId);
    };
  }

  close(): Promise<void> {
    this.fail("the session is closed");
    return this.pipe.close();
  }

  private receive(line: string): void {
    const index = ++this.index;
    let message;
    try {
      message = decodeClientMessage(line);
    } catch (err) {
      return this.fail((err as Error).message);
    }
    const m = message.message;
    if (m.case === "result") {
      const waiter = this.pending.get(m.value.id);
      if (!waiter && this.abandoned.delete(m.value.id)) return;
      if (!waiter) return this.fail(`a result for id ${m.value.id}, which is no command in flight`);
      this.pending.delete(m.value.id);
      if (m.value.result.case === "failure") waiter.reject(new ProtocolError(`the driver failed: ${m.value.result.value.message}`));
      else waiter.resolve({ ...m.value.result, index } as ResultValue & Ordered);
    } else if (m.case === "event") {
      const listener = this.listeners.get(m.value.storeId);
      if (!listener && this.forgotten.has(m.value.storeId)) return;
      if (!listener) return this.fail(`an event of store ${JSON.stringify(m.value.storeId)}, which does not exist`);
      listener(m.value, index);
    }
  }

  private fail(why: string): void {
    if (this.broken) return;
    this.broken = why;
    for (const waiter of this.pending.values()) waiter.reject(new ProtocolError(why));
    this.pending.clear();
  }
}
