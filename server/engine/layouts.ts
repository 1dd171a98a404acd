import { CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

// R6: how many rooms a connection of each layout may hold, counting the
// requests its members have pending.
const capacities: ReadonlyMap<CoHostLayoutTemplate, number> = new Map([
  [CoHostLayoutTemplate.HOST_VOICE_CONNECTION, 9],
  [CoHostLayoutTemplate.HOST_DYNAMIC_GRID, 9],
  [CoHostLayoutTemplate.HOST_DYNAMIC_1V6, 7],
  [CoHostLayoutTemplate.HOST_VIDEO_LEFT_FOCUS_9_SEATS, 9],
  [CoHostLayoutTemplate.HOST_VIDEO_UNIFORM_GRID_9_SEATS, 9],
]);

export function isKnownLayout(layout: number): layout is CoHostLayoutTemplate {
  return capacities.has(layout);
}

export function capacityFor(layout: CoHostLayoutTemplate): number {
  return capacities.get(layout) ?? 0;
}
