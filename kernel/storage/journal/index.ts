export { crc32, crc32Js } from './crc32.js';
export {
  checksumMatches,
  decodeHeader,
  encodeFrame,
  encodePayload,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  type FrameHeader,
  forEachLine,
  MAX_FRAME_PAYLOAD,
} from './frame.js';
export { JournalFile } from './journal-file.js';
export { type ScannedFrame, type ScanResult, scanJournal } from './scan-journal.js';
export { type RecoverOptions, type Segment, SegmentedJournal } from './segmented-journal.js';
