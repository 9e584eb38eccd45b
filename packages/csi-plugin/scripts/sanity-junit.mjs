// Reads csi-sanity's JUnit report (ginkgo v2) and prints pass/fail/skip counts, every skipped spec with its
// reason and every failure; writes {"passed","failed","skipped"} to the counts file when one is given.
// Usage: node sanity-junit.mjs <junit.xml> [counts.json]
import { readFileSync, writeFileSync } from 'node:fs';

const [junitPath, countsPath] = process.argv.slice(2);
if (!junitPath) {
  process.stderr.write('usage: sanity-junit.mjs <junit.xml> [counts.json]\n');
  process.exit(2);
}

const decode = (text) => text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#xA;/g, '\n').replace(/&amp;/g, '&');
const attr = (tag, name) => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decode(match[1]) : '';
};

const xml = readFileSync(junitPath, 'utf8');
const counts = { passed: 0, failed: 0, skipped: 0 };
const skipped = [];
const failed = [];
for (const match of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
  const head = match[1];
  const body = match[3] ?? '';
  const name = attr(head, 'name');
  // Ginkgo adds suite-level setup nodes as test cases; they are not specs.
  if (/^\[(BeforeSuite|AfterSuite|SynchronizedBeforeSuite|SynchronizedAfterSuite|ReportAfterSuite|ReportBeforeSuite)\]/.test(name)) {
    if (/<(failure|error)\b/.test(body)) failed.push({ name, message: attr(/<(?:failure|error)\b[^>]*>/.exec(body)?.[0] ?? '', 'message') });
    continue;
  }
  const status = attr(head, 'status');
  if (status === 'skipped' || status === 'pending' || /<skipped\b/.test(body)) {
    counts.skipped += 1;
    skipped.push({ name, reason: attr(/<skipped\b[^>]*>/.exec(body)?.[0] ?? '', 'message').replace(/^skipped - /, '') });
  } else if (status === 'failed' || status === 'panicked' || /<(failure|error)\b/.test(body)) {
    counts.failed += 1;
    failed.push({ name, message: attr(/<(?:failure|error)\b[^>]*>/.exec(body)?.[0] ?? '', 'message') });
  } else {
    counts.passed += 1;
  }
}
counts.failed += failed.filter((f) => f.name.startsWith('[')).length;

const out = [];
out.push(`csi-sanity: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
if (skipped.length > 0) {
  out.push('skipped specs (reason from csi-sanity):');
  for (const s of skipped) out.push(`  - ${s.name}\n      ${s.reason || '(no reason given)'}`);
}
if (failed.length > 0) {
  out.push('failed specs:');
  for (const f of failed) out.push(`  - ${f.name}\n      ${f.message.split('\n')[0]}`);
}
process.stdout.write(`${out.join('\n')}\n`);
if (countsPath) writeFileSync(countsPath, JSON.stringify(counts));
process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
