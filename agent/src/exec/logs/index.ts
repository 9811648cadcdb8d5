export { downloadLog } from './download-log.js';
export { type LineMatcher, literalMatcher, regexMatcher } from './line-matcher.js';
export { type LogSegment, listSegments, retainedRange, segmentName } from './log-segments.js';
export { type LogChunk, MAX_READ_BYTES, readLog } from './read-log.js';
export { type LogMatch, type LogSearchOptions, type LogSearchResult, searchLog } from './search-log.js';
