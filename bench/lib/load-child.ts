/** The load generator's own process: autocannon against argv[2] for argv[3] s with argv[4] connections; JSON to stdout. */
import { createRequire } from 'node:module';

interface Histogram {
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: { total: number; average: number };
  latency: Histogram;
  errors: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (options: object, done: (error: Error | null, result: AutocannonResult) => void) => void;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const [url = '', seconds = '10', connections = '10'] = process.argv.slice(2);

autocannon({ url, duration: Number(seconds), connections: Number(connections), pipelining: 1 }, (error, result) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  const out = {
    requests: result.requests.total,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
  process.stdout.write(JSON.stringify(out));
});
