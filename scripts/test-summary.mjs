#!/usr/bin/env node
// Prints vitest's JSON report as the one closing line CI reads: `N passed, N failed`.
// A missing or unreadable report counts as one failure (the test command did not finish).
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const failedSuites = (report.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const line = `${report.numPassedTests ?? 0} passed, ${(report.numFailedTests ?? 0) + failedSuites} failed`;
console.log(skipped > 0 ? `${line}, ${skipped} skipped` : line);
