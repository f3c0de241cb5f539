import {
  ProxyTracerProvider,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';

const DEFERRED = Symbol.for('dualtrace.deferred-provider');

/**
 * What `dualtrace/register` registers globally while it waits for the app to call `initTracing`: the first span
 * anyone starts through it calls `start` (set-up from the environment), and every tracer it handed out forwards to the
 * real provider from then on, whoever set it up. Until then nothing is recorded, and nothing is built.
 */
export class DeferredTracerProvider implements TracerProvider {
  readonly [DEFERRED] = true;
  private delegate: TracerProvider | undefined;

  constructor(private readonly start: () => void) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return new DeferredTracer(this, name, version, options);
  }

  /** The real provider, once set up: `initTracing` (from code or from `start`) hands it over here. */
  setDelegate(provider: TracerProvider): void {
    this.delegate = provider;
  }

  /** The real provider, running `start` first when nothing has set it up yet; a no-op one if that failed. */
  resolve(): TracerProvider {
    if (this.delegate === undefined) this.start();
    return this.delegate ?? NOOP;
  }
}

const NOOP = new ProxyTracerProvider(); // Without a delegate it hands out the API's no-op tracers.

/** The provider `dualtrace/register` left registered globally, if any (it may come from another bundle's copy). */
export function registeredDeferredProvider(global: TracerProvider): DeferredTracerProvider | undefined {
  const delegate = (global as Partial<ProxyTracerProvider>).getDelegate?.() as Partial<DeferredTracerProvider> | undefined;
  return delegate?.[DEFERRED] === true && typeof delegate.setDelegate === 'function' ? (delegate as DeferredTracerProvider) : undefined;
}

class DeferredTracer implements Tracer {
  private tracer: Tracer | undefined;

  constructor(
    private readonly provider: DeferredTracerProvider,
    private readonly name: string,
    private readonly version: string | undefined,
    private readonly options: TracerOptions | undefined,
  ) {}

  startSpan(name: string, options?: SpanOptions, context?: Context): Span {
    return this.get().startSpan(name, options, context);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]): ReturnType<F> {
    const tracer = this.get() as { startActiveSpan(name: string, ...args: unknown[]): ReturnType<F> };
    return tracer.startActiveSpan(name, ...rest);
  }

  private get(): Tracer {
    if (this.tracer !== undefined) return this.tracer;
    const provider = this.provider.resolve();
    const tracer = provider.getTracer(this.name, this.version, this.options);
    if (provider !== NOOP) this.tracer = tracer; // Keep asking while nothing is set up.
    return tracer;
  }
}
