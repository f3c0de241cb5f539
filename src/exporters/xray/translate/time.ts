import type { HrTime } from '@opentelemetry/api';

/**
 * `[seconds, nanos]` → epoch seconds with microsecond precision, which the segment documents page recommends for
 * `start_time`/`end_time` (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html), or NaN
 * when not finite.
 *
 * Integer microseconds divided once by 1e6 give the double nearest to the 6-decimal value, so `JSON.stringify`
 * prints at most 6 decimals (`s + ns / 1e9` can print `…338456000001`): below 2^53 µs (year 2255) the sum is exact.
 */
export function toEpochSeconds(time: HrTime): number {
  return (time[0] * 1e6 + Math.round(time[1] / 1000)) / 1e6;
}
