export { answerPerChunk } from './answer-per-chunk.js';
export { createFrameReader, type FrameReaderOptions } from './create-frame-reader.js';
export { createFrameWriter, type FrameWriter } from './create-frame-writer.js';
export { encodeFrame } from './encode-frame.js';
export { FRAME_HEADER_BYTES, type Frame, FrameType, type FrameTypeValue } from './frame-type.js';
export { NO_ANSWER_IN_FLIGHT_BYTES, NO_ANSWER_UNSENT_BYTES } from './no-answer-bounds.js';
