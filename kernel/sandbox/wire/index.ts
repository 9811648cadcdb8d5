export { answerPerChunk } from './answer-per-chunk.js';
export { createFrameReader, type FrameReaderOptions } from './create-frame-reader.js';
export { createFrameWriter, type FrameWriter } from './create-frame-writer.js';
export { encodeFrame } from './encode-frame.js';
export { FRAME_HEADER_BYTES, type Frame, FrameType, type FrameTypeValue } from './frame-type.js';
