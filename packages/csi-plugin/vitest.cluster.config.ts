// The real provisioning flow (project "csi-plugin:cluster"): a real control plane from the e2e harness,
// csi-plugin + external-provisioner --node-deployment per simulated node, external-resizer against a
// controller-mode plugin. Root and the upstream binaries are needed; without them the tests skip and say why.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'csi-plugin:cluster',
    include: ['test-cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
