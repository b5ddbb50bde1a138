// Differential-test driver: loads the checklist runtime and generated
// checklists (the files named on the command line), then evaluates one JSON
// line of stdin per case: {"cl": id, "answers": {...}, "today": dayNumber,
// "lang": "nl-nl"|"en"} and prints evaluateJson's result, one line each.
"use strict";
const fs = require("fs");
const vm = require("vm");
for (const file of process.argv.slice(2)) {
  vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
}
const input = fs.readFileSync(0, "utf8");
const out = [];
for (const line of input.split("\n")) {
  if (line.trim() === "") continue;
  const c = JSON.parse(line);
  const entry = globalThis.tolkChecklists[c.cl];
  if (!entry) {
    out.push("NO CHECKLIST " + c.cl);
    continue;
  }
  out.push(entry.evaluateJson(c.answers, c.today, c.lang));
}
process.stdout.write(out.join("\n") + "\n");
