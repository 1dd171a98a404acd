// Credentials and shapes every part of the bench shares.
import { CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

export const BENCH_SECRET = "bench-secret-0123456789abcdef0123456789";
export const BENCH_ADMIN_KEY = "bench-admin-key-0123";
export const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
export const adminAuth = { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } };
