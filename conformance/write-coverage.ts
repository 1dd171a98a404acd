// `npm run coverage:conformance`: regenerates conformance/COVERAGE.md.
import { writeFileSync } from "node:fs";
import { coverageTable } from "./coverage.js";

writeFileSync(new URL("./COVERAGE.md", import.meta.url), coverageTable());
