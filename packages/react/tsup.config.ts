import { packageConfig } from '../../tsup.shared.ts';

// React and the Switchboard packages are the application's: never bundled in.
export default packageConfig({ external: ['react', /^@switchboard\//] });
