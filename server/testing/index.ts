// Helpers for tests that embed the reference server (the kit's own tests
// and yours): a clock that moves only when told to, a server with fixed
// test credentials, clients for it over any protocol, and a redis-server
// of the test's own to break.
export { FakeClock } from "./fake-clock.js";
export { Clients, newServer, transportFor, TEST_ADMIN_KEY, TEST_SECRET, type HttpVersion, type Protocol } from "./service-harness.js";
export { parseMetrics, scrapeMetrics } from "./metrics-text.js";
export { OwnRedis, type OwnRedisOptions } from "./own-redis.js";
