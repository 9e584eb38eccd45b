import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'kube-runtime:unit',
    include: ['src/**/*.test.ts'],
  },
});
