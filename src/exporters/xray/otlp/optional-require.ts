import { createRequire } from 'node:module';

/**
 * `require` from this module's place in the installation, in both builds (the CommonJS build gets `import.meta.url`
 * from tsup's shims). The optional AWS packages are CommonJS-loadable, so one synchronous loader serves both, and
 * `initTracing` can say at once, with a `ConfigError`, what is missing.
 */
export function optionalRequire(): NodeJS.Require {
  return createRequire(import.meta.url);
}

/** The packages of `names` that cannot be resolved from here. */
export function missingPackages(names: readonly string[], require: NodeJS.Require = optionalRequire()): string[] {
  return names.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}
