/**
 * X-Ray's rule patterns (AWS X-Ray developer guide, "Configuring sampling rules"): `*` is any run of characters, `?`
 * exactly one, everything else literal; case-insensitive; the whole value must match. A missing value matches only
 * `*` (as in OpenTelemetry's X-Ray sampler: a rule for `/api/*` says nothing about a background job with no path).
 *
 * Compiled once per rule, and given values already lower-cased (once per decision, by `RequestView`): the usual
 * shapes (`*`, a literal, `prefix*`, `*suffix`, `*infix*`) are string comparisons, and anything else runs the classic
 * wildcard scan, which only ever goes back to the last `*` it passed, so it costs at most the product of the two
 * lengths. Not a RegExp: a backtracking engine takes time exponential in the number of `*` on a value that does not
 * match, and the value is a request's path or Host, which any client chooses (a URLPath of `/v?/` and three `*`
 * segments held the event loop for half a minute on a 6 kB path). No allocation either way. One class with a
 * `switch` rather than a closure per shape: the call site stays monomorphic (measured: closures cost ≈ 6,300
 * instructions per 10-rule decision against ≈ 5,100, bench/sampling-instructions.ts).
 */
export class Pattern {
  private readonly kind: Kind;
  private readonly text: string;

  constructor(pattern: string) {
    const lower = pattern.toLowerCase();
    const star = lower.indexOf('*');
    const last = lower.lastIndexOf('*');
    let kind = Kind.Glob;
    let text = lower;
    if (lower === '*') kind = Kind.Any;
    else if (!lower.includes('?')) {
      if (star < 0) kind = Kind.Exact;
      else if (star === last && star === lower.length - 1) [kind, text] = [Kind.Prefix, lower.slice(0, -1)];
      else if (star === last && star === 0) [kind, text] = [Kind.Suffix, lower.slice(1)];
      else if (star === 0 && last === lower.length - 1 && !lower.slice(1, -1).includes('*')) [kind, text] = [Kind.Infix, lower.slice(1, -1)];
    }
    this.kind = kind;
    this.text = text;
  }

  /** Whether `*` (matches anything, a missing value too). */
  get any(): boolean {
    return this.kind === Kind.Any;
  }

  /** Tests a lower-cased value (`undefined`: the request has none). */
  test(v: string | undefined): boolean {
    switch (this.kind) {
      case Kind.Any:
        return true;
      case Kind.Exact:
        return v === this.text;
      case Kind.Prefix:
        return v !== undefined && v.startsWith(this.text);
      case Kind.Suffix:
        return v !== undefined && v.endsWith(this.text);
      case Kind.Infix:
        return v !== undefined && v.includes(this.text);
      default:
        return v !== undefined && glob(this.text, v);
    }
  }
}

const enum Kind {
  Any,
  Exact,
  Prefix,
  Suffix,
  Infix,
  Glob,
}

/**
 * `*` any run, `?` one character, the rest literal, over the whole value. On a mismatch after a `*`, the `*` takes one
 * more character and the scan resumes there; earlier `*`s never need to take more (whatever they could give up, the
 * last one can take instead), so the work is bounded by the product of the two lengths.
 */
function glob(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    const c = p < pattern.length ? pattern.charCodeAt(p) : -1;
    if (c === STAR) {
      star = p++;
      resume = v;
    } else if (c === QUESTION || c === value.charCodeAt(v)) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}

const STAR = 42; // '*'
const QUESTION = 63; // '?'
