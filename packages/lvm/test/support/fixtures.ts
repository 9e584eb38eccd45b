// Loads the recorded fixtures (real lvm output captured by test/fixtures/capture.ts).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Recording, RecordingFixture } from '../../src/testing.js';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function loadFixture(name: string): RecordingFixture {
  return JSON.parse(readFileSync(join(fixturesDir, `${name}.json`), 'utf8')) as RecordingFixture;
}

/** The recordings whose argv starts with these words, in order. */
export function recordingsOf(fixture: RecordingFixture, ...prefix: string[]): Recording[] {
  return fixture.recordings.filter((r) => prefix.every((word, i) => r.argv[i] === word));
}

export function readFixtureText(name: string): string {
  return readFileSync(join(fixturesDir, name), 'utf8');
}
