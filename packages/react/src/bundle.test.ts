import { browserBundleProblems } from '@switchboard/test-utils';
import { describe, expect, it } from 'vitest';

describe('package entry', () => {
  it("bundles for the browser with the client's browser entry: no server, ws or node: module", async () => {
    const { foreign, nodeImports, inputs } = await browserBundleProblems(
      new URL('./index.ts', import.meta.url),
      [
        /^src\//,
        /(protocol|client|channels-core|channels-agent)\/src\//,
        /\/zod[@/]/,
        /\/node_modules\/\.pnpm\/react@/,
      ],
    );
    expect(inputs.some((path) => path.endsWith('client/src/browser.ts'))).toBe(true);
    expect(inputs.some((path) => path.endsWith('client/src/index.ts'))).toBe(false);
    expect(foreign).toEqual([]);
    expect(nodeImports).toEqual([]);
  });
});
