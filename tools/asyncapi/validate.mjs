// Parse AsyncAPI documents with @asyncapi/parser; print one JSON line per document: errors, warnings, channels.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
let failed = 0;
for (const path of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(readFileSync(path, "utf8"));
  const errors = diagnostics.filter((d) => d.severity === 0);
  const warnings = diagnostics.filter((d) => d.severity === 1);
  const operations = document
    ? document.operations().all().map((o) => ({ action: o.action(), channel: o.channels().all().map((c) => c.address()) }))
    : [];
  if (errors.length || !document) failed += 1;
  console.log(JSON.stringify({
    path,
    errors: errors.map((d) => `${d.code}: ${d.message} at ${d.path.join("/")}`),
    warnings: warnings.length,
    channels: document ? document.channels().all().map((c) => c.address()) : [],
    operations,
  }));
}
process.exit(failed ? 1 : 0);
