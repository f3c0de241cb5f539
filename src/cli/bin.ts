#!/usr/bin/env node
import { handleError } from './errors';
import { processIO } from './io';
import { main } from './main';

main(process.argv.slice(2), processIO).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => handleError(error, processIO),
);
