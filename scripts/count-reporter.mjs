// Vitest reporter that prints the closing line CI reads ("N passed, N failed, N skipped") and, when
// OPENLOCAL_COUNTS_FILE is set, writes the same counts as JSON so scripts/test can add up several runs
// (host suites, the QEMU guest suite, the cluster suites) into one final line.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export default class CountReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const mod of testModules) {
      let sawTest = false;
      for (const test of mod.children.allTests()) {
        sawTest = true;
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
      // A file that failed to load (syntax error, throwing import) has no tests but must not vanish.
      if (!sawTest && mod.state() === 'failed') counts.failed += 1;
    }
    counts.failed += unhandledErrors.length;
    const file = process.env.OPENLOCAL_COUNTS_FILE;
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(counts));
    }
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
