// The hash-key rule lives in common/ (the gate uses it too); kept here for the producer's importers.
export { hashKeyOf, parseExplicitHashKey, MAX_HASH_KEY } from '../common/hash-key.js';
