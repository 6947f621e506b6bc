// Prints the gzipped size of the JavaScript a first visit downloads (the entry chunk and its static
// imports, from Vite's manifest; lazily loaded area chunks are listed apart) and fails above the
// budget. Run by `npm run build`.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 250;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));

const gzipped = (file) => gzipSync(readFileSync(join(dist, file))).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
const initial = new Set();
function walk(key) {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imported of chunk.imports ?? []) walk(imported);
}
for (const [key] of entries) walk(key);

const lazy = Object.values(manifest)
  .map((chunk) => chunk.file)
  .filter((file) => file.endsWith(".js") && !initial.has(file));

let total = 0;
console.log("Initial JavaScript (gzip):");
for (const file of [...initial].sort()) {
  const size = gzipped(file);
  total += size;
  console.log(`  ${file.padEnd(44)} ${kb(size).padStart(10)}`);
}
console.log(`  ${"total".padEnd(44)} ${kb(total).padStart(10)}  (budget ${BUDGET_KB} KB)`);
if (lazy.length) {
  console.log("Loaded on demand:");
  for (const file of [...new Set(lazy)].sort()) console.log(`  ${file.padEnd(44)} ${kb(gzipped(file)).padStart(10)}`);
}
if (total > BUDGET_KB * 1024) {
  console.error(`Initial JavaScript is ${kb(total)} gzipped, over the ${BUDGET_KB} KB budget.`);
  process.exit(1);
}
