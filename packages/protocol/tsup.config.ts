import { packageConfig } from '../../tsup.shared.ts';

// `wire/index` is the zod-free entry `@switchboard/protocol/wire` (see the README).
export default packageConfig({
  entry: { index: 'src/index.ts', 'wire/index': 'src/wire/index.ts' },
});
