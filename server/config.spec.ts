import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe("configuration within the spec's bounds", () => {
  it("accepts the defaults and the bounds themselves", () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ COHOST_KEEPALIVE_SECONDS: "60", COHOST_REPLAY_LIMIT: "256" })).toEqual([]);
    expect(problemsOf({ COHOST_RATE_LIMIT_BURST: "10", COHOST_RATE_LIMIT_PER_SECOND: "9" })).toEqual([]);
    expect(problemsOf({ COHOST_RATE_LIMIT_BURST: "90", COHOST_RATE_LIMIT_PER_SECOND: "1" })).toEqual([]);
    expect(problemsOf({ COHOST_RATE_LIMIT_PER_SECOND: String(1 / 60) })).toEqual([]);
  });

  it("refuses a keep-alive interval over 60 s and a replay window under 256 (R16)", () => {
    expect(problemsOf({ COHOST_KEEPALIVE_SECONDS: "61" })).toEqual([expect.stringContaining("COHOST_KEEPALIVE_SECONDS")]);
    expect(problemsOf({ COHOST_REPLAY_LIMIT: "255" })).toEqual([expect.stringContaining("COHOST_REPLAY_LIMIT")]);
  });

  it("refuses rate limits outside R19: under 10 at once, over 100 in 10 s, or retry_after over 60 s", () => {
    expect(problemsOf({ COHOST_RATE_LIMIT_BURST: "9" })).toEqual([expect.stringContaining("COHOST_RATE_LIMIT_BURST")]);
    expect(problemsOf({ COHOST_RATE_LIMIT_BURST: "50", COHOST_RATE_LIMIT_PER_SECOND: "6" })).toEqual([
      expect.stringContaining("at most 100"),
    ]);
    expect(problemsOf({ COHOST_RATE_LIMIT_PER_SECOND: "0.01" })).toEqual([expect.stringContaining("COHOST_RATE_LIMIT_PER_SECOND")]);
  });
});

const secrets = { COHOST_TOKEN_SECRET: "s".repeat(40), COHOST_ADMIN_KEY: "a".repeat(20) };

describe("configuration mistakes", () => {
  it("refuses a COHOST_MODE other than development or production, instead of running in development", () => {
    for (const mode of ["prod", "Production", "PRODUCTION", "dev", "staging"]) {
      expect(problemsOf({ ...secrets, COHOST_MODE: mode })).toEqual([`COHOST_MODE must be "development" or "production" (got "${mode}")`]);
    }
    expect(loadConfig({ ...secrets, COHOST_MODE: "production" }).mode).toBe("production");
    expect(loadConfig({ COHOST_MODE: "development" }).mode).toBe("development");
    expect(loadConfig({ ...secrets, NODE_ENV: "production" }).mode).toBe("production");
  });

  it("marks as generated only the development credentials it made up", () => {
    expect(loadConfig({}).generated).toEqual({ tokenSecret: true, adminKey: true });
    expect(loadConfig({ COHOST_ADMIN_KEY: secrets.COHOST_ADMIN_KEY }).generated).toEqual({ tokenSecret: true, adminKey: false });
    expect(loadConfig(secrets).generated).toEqual({ tokenSecret: false, adminKey: false });
  });

  it("reads the limits, within their bounds", () => {
    const config = loadConfig({ ...secrets, COHOST_MAX_REQUEST_BYTES: "100000", COHOST_MAX_STREAMS_PER_CONNECTION: "10" });
    expect(config.limits.maxRequestBytes).toBe(100_000);
    expect(config.limits.maxStreamsPerConnection).toBe(10);
    // HTTP/2 leaves room for calls beside the streams.
    expect(config.limits.maxConcurrentStreams).toBe(110);
    expect(problemsOf({ ...secrets, COHOST_MAX_REQUEST_BYTES: "2000000" })).toEqual([
      'COHOST_MAX_REQUEST_BYTES must be a number from 65536 to 1048576 (got "2000000")',
    ]);
  });
});
