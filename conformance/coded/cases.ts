// Cases written as code: their steps depend on what the server answered
// (how far a replay reaches, whether an attempt was refused), which the
// case files cannot say.
import type { SuiteCase } from "../runner.js";
import { pagingEndCase } from "./paging-end.js";
import { rateLimitMemoryCase } from "./rate-limit-memory.js";
import { replayWindowCase } from "./replay-window.js";

export function codedCases(): SuiteCase[] {
  return [replayWindowCase(), rateLimitMemoryCase(), pagingEndCase()];
}
