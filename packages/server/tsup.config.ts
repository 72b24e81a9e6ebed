import { packageConfig } from '../../tsup.shared.ts';

export default packageConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  // Declarations marked @internal (the server-router link, connections) stay out of the
  // published types.
  dts: { compilerOptions: { stripInternal: true } },
});
