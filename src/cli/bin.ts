#!/usr/bin/env node
import { main } from './main';

try {
  process.exitCode = main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
} catch (error) {
  process.stderr.write(`dualtrace: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
