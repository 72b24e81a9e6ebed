export { browserBundleProblems } from './browser-bundle.ts';
export type { Hub } from './channel-hub.ts';
export { agentPrincipal, collect, harness } from './channel-hub.ts';
