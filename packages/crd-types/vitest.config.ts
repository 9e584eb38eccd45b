import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'crd-types:unit',
    include: ['src/**/*.test.ts'],
  },
});
