// Test file order: the longest files start first, so no worker is left alone
// with a long file at the end of the run. Vitest orders by the durations it cached last time, and
// a fresh clone (CI) has none: without this, files go by project name, then by size.
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Longest first, from CI runs (both projects: a path matches its file in each). */
const SLOW_FILES = [
  "test/ui/dashboard.test.ts",
  "test/package/installed-package.test.ts",
  "test/integration/claims-acceptance.test.ts",
  "test/e2e/crash-recovery.test.ts",
  "test/cli/deployment-apply.test.ts",
  "test/e2e/worker.test.ts",
  "test/e2e/executor.test.ts",
  "test/cli/block.test.ts",
  "test/e2e/database-outage.test.ts",
];

export default class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = SLOW_FILES.findIndex((file) => spec.moduleId.endsWith(file));
      return i === -1 ? SLOW_FILES.length : i;
    };
    // a stable sort: the base order stays among files of the same rank
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
      .map(({ spec }) => spec);
  }
}
