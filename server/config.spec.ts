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
