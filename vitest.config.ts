import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The suite's output must not depend on a helm installed on the machine: no test renders with
    // helm unless it supplies one (test/helpers/helm-bin.ts). Spawned CLIs inherit the switch.
    env: { ROLLBOOK_HELM: 'off' },
  },
});
