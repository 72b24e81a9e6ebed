export { patternArb, referenceMatches, topicArb } from './reference-matcher.ts';
