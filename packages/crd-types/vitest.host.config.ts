// Package-level integration tests (project "crd-types:host"): the packed tarball installed into a fresh consumer.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'crd-types:host',
    include: ['test/**/*.test.ts'],
  },
});
