// The closing table of the bench: each ratio with its target (if the issue
// sets one) and whether this run met it.
import { fmt } from "./stats.js";

type Op = ">=" | "<=" | "<";

interface Line {
  what: string;
  value: number;
  op?: Op;
  target?: number;
}

export class Report {
  private readonly lines: Line[] = [];
  private readonly notes: string[] = [];

  add(what: string, value: number, op?: Op, target?: number): void {
    this.lines.push({ what, value, op, target });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  print(): void {
    if (this.lines.length === 0) return;
    const width = Math.max(...this.lines.map((l) => l.what.length));
    console.log("Summary (ratios of this run; targets from issue 14)");
    console.log(`   ${"what".padEnd(width)}  measured  target   met`);
    for (const l of this.lines) {
      const met = l.op === undefined ? "" : !Number.isFinite(l.value) ? "n/a" : pass(l.value, l.op, l.target!) ? "yes" : "NO";
      const target = l.op === undefined ? "-" : `${l.op} ${l.target}`;
      console.log(`   ${l.what.padEnd(width)}  ${fmt(l.value, 2).padStart(8)}  ${target.padEnd(7)}  ${met}`);
    }
    for (const n of this.notes) console.log(`   ${n}`);
  }
}

function pass(value: number, op: Op, target: number): boolean {
  return op === ">=" ? value >= target : op === "<=" ? value <= target : value < target;
}
