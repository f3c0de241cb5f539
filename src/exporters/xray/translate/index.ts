// The X-Ray translator: span → segment document. Internal to dualtrace (not re-exported from src/index.ts).
export { createSegmentTranslator, isSegment } from './segment';
export type { SegmentDocument, TranslatorOptions } from './types';
