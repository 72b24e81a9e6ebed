import { browserBundleProblems } from '@switchboard/test-utils';
import { describe, expect, it } from 'vitest';

describe('package entry', () => {
  it('bundles for the browser with protocol, channels-core and zod only: no server, client, ws or node:', async () => {
    const { foreign, nodeImports, inputs } = await browserBundleProblems(
      new URL('./index.ts', import.meta.url),
      [/^src\//, /protocol\/src\//, /channels-core\/src\//, /\/zod[@/]/],
    );
    expect(inputs.some((path) => /\/zod[@/]/.test(path))).toBe(true);
    expect(foreign).toEqual([]);
    expect(nodeImports).toEqual([]);
  });
});
