export { patternArb, referenceMatches, topicArb } from './reference-matcher.ts';
export type { SubsetContainment } from './subset-containment.ts';
export { subsetContainment } from './subset-containment.ts';
