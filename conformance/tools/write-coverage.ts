// `npm run coverage:conformance`: regenerates conformance/COVERAGE.md (the
// rules R1-R20 and every MUST of the spec, each with its cases).
import { writeFileSync } from "node:fs";
import { coverageDocument } from "./coverage-document.js";

writeFileSync(new URL("../COVERAGE.md", import.meta.url), coverageDocument());
