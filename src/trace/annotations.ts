/**
 * The span attribute (a string array) listing the attribute keys X-Ray must index as annotations. `annotate()` appends
 * to it; the X-Ray translator reads it, annotates the keys it lists and does not copy the list itself into the document.
 */
export const ANNOTATIONS_KEY = 'aws.xray.annotations';

/**
 * A value X-Ray can index as an annotation: a string, a number or a boolean
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html#api-segmentdocuments-annotations).
 * `annotate()` also refuses non-finite numbers, which JSON cannot carry.
 *
 * @example
 * import { annotate, type AnnotationValue } from 'dualtrace';
 * const value: AnnotationValue = 20;
 * annotate('activities.count', value);
 * @see docs/api.md
 */
export type AnnotationValue = string | number | boolean;
