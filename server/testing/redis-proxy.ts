// A TCP proxy in front of a redis-server, for tests that need something to
// happen at one exact point of a store's conversation with Redis: before a
// chunk that matches a pattern is forwarded, the test's hook runs (another
// client commits, Redis is frozen, ...), and only then does the chunk go on.
import * as net from "node:net";

export interface ProxyHook {
  /** Runs before the first client-to-Redis chunk whose text matches. */
  match: RegExp;
  run: () => Promise<void> | void;
}

export class RedisProxy {
  private hooks: ProxyHook[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(redisPort: number): Promise<RedisProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const proxy = new RedisProxy(server, (server.address() as net.AddressInfo).port);
    server.on("connection", (client: net.Socket) => proxy.pipe(client, redisPort));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Runs `run` once, just before the next chunk matching `match` reaches Redis. */
  before(match: RegExp, run: () => Promise<void> | void): void {
    this.hooks.push({ match, run });
  }

  private pipe(client: net.Socket, redisPort: number): void {
    const redis = net.connect(redisPort, "127.0.0.1");
    for (const s of [client, redis]) {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => {});
    }
    client.on("close", () => redis.destroy());
    redis.on("close", () => client.destroy());
    redis.pipe(client);
    let queue = Promise.resolve();
    client.on("data", (chunk: Buffer) => {
      const text = chunk.toString("latin1");
      const hook = this.hooks.find((h) => h.match.test(text));
      if (hook) this.hooks.splice(this.hooks.indexOf(hook), 1);
      queue = queue.then(async () => {
        if (hook) await hook.run();
        redis.write(chunk);
      });
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
