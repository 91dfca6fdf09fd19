/**
 * Rules written by programme staff (traffic lights, pathway conditions, alerts, eligibility) are
 * CEL expressions. This wrapper over @marcbachmann/cel-js fixes three things once for every
 * caller:
 * - an environment declares its variables and object types, so a typo (`i.statuss`) or a type
 *   error is refused when the rule is compiled (when its file loads), not on the millionth person;
 * - contexts are plain objects: numbers declared `int` become the BigInts CEL wants, objects
 *   become instances of one class per declared type (cel-js reads those without converting them
 *   on every evaluation, which is several times faster than its generic map conversion);
 * - results come back as plain JavaScript: BigInt → number, typed objects → plain objects.
 */
import { Environment } from '@marcbachmann/cel-js';

/** Where a rule failed: reading it, type-checking it, preparing its context, or evaluating it. */
export type RulePhase = 'parse' | 'check' | 'context' | 'evaluate';

/** A rule that cannot be compiled or evaluated, with the expression and the position at fault. */
export class RuleError extends Error {
  readonly expression: string;
  readonly phase: RulePhase;
  /** Offset range of the fault in the expression, when known. */
  readonly range: { start: number; end: number } | undefined;
  /** One-line reason, without the expression excerpt that `message` carries. */
  readonly summary: string;
  constructor(
    phase: RulePhase,
    expression: string,
    summary: string,
    options: { range?: { start: number; end: number } | undefined; cause?: unknown } = {},
  ) {
    super(`${summary} in rule: ${expression}`, { cause: options.cause });
    this.name = 'RuleError';
    this.phase = phase;
    this.expression = expression;
    this.summary = summary;
    this.range = options.range;
  }
}

/** A value a rule returns, after normalisation. */
export type RuleValue =
  | boolean
  | number
  | string
  | null
  | Uint8Array
  | Date
  | RuleValue[]
  | { [key: string]: RuleValue };

/**
 * Declared types: `bool`, `int`, `double`, `string`, `dyn`, `map`, the name of a declared
 * object type, or `list<…>` of any of these.
 */
export type RuleTypeName = string;

/** A class whose instances a caller builds itself (ints already BigInt): they reach CEL unconverted. */
export type RuleObjectClass = abstract new (...args: never[]) => object;

/**
 * An object type: its fields (name → type), or its fields and the class of its instances, for a
 * hot path that builds the instances directly instead of having plain objects converted.
 */
export type RuleObjectType =
  | Readonly<Record<string, RuleTypeName>>
  | { readonly fields: Readonly<Record<string, RuleTypeName>>; readonly ctor: RuleObjectClass };

export interface RuleEnvironmentDeclaration {
  /** Object types by name. */
  types?: Readonly<Record<string, RuleObjectType>>;
  /** Context variables: name → type. */
  variables: Readonly<Record<string, RuleTypeName>>;
}

const SCALARS = new Set(['bool', 'int', 'double', 'string', 'dyn', 'map']);

type Converter = (value: unknown) => unknown;

const PREPARED = Symbol('prepared rule context');

/** A context converted once for the rules of one environment; evaluate several rules on it. */
export interface PreparedRuleContext<C> {
  readonly [PREPARED]: C;
}

function isClassType(
  type: RuleObjectType,
): type is { readonly fields: Readonly<Record<string, RuleTypeName>>; readonly ctor: RuleObjectClass } {
  return typeof type.ctor === 'function' && typeof type.fields === 'object' && type.fields !== null;
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`expected an integer, got ${String(value)}`);
}

function identity(value: unknown): unknown {
  return value;
}

/**
 * A set of declared variables and types in which rules are compiled. Create one per kind of
 * rule file, at module level: building it is the expensive part.
 *
 * @example
 * const env = new RuleEnvironment<{ person: { ageDays: number; amazon: boolean } }>({
 *   types: { Person: { ageDays: 'int', amazon: 'bool' } },
 *   variables: { person: 'Person' },
 * });
 * const rule = env.compile('person.amazon && person.ageDays >= 457', { returns: 'bool' });
 * rule.test({ person: { ageDays: 500, amazon: true } }); // true
 */
export class RuleEnvironment<C extends object> {
  readonly #env: Environment;
  readonly #converters: ReadonlyArray<readonly [string, Converter]>;
  readonly #declared: ReadonlySet<string>;

  constructor(declaration: RuleEnvironmentDeclaration) {
    const types = declaration.types ?? {};
    const classes = new Map<string, new () => object>();
    const objectConverters = new Map<string, Converter>();
    const env = new Environment({
      // `{"n": 1, "ids": ["a"]}` is a natural thing for a rule to build; CEL's strict default refuses it.
      homogeneousAggregateLiterals: false,
      // Rule files are written by people: bound their size so a runaway file cannot stall a load.
      limits: {
        maxAstNodes: 5000,
        maxDepth: 60,
        maxListElements: 500,
        maxMapEntries: 200,
        maxCallArguments: 16,
      },
    });

    const converterFor = (type: RuleTypeName, where: string): Converter => {
      const list = /^list<(.+)>$/.exec(type);
      if (list) {
        const element = converterFor(list[1]!.trim(), where);
        if (element === identity) return identity;
        return (value) => (value as unknown[]).map(element);
      }
      if (type === 'int') return toBigInt;
      if (SCALARS.has(type)) return identity;
      const object = objectConverters.get(type);
      if (!object) throw new Error(`${where}: unknown type '${type}'`);
      return object;
    };

    // Classes first (types may refer to one another), then their field converters.
    const declared = new Map<string, Readonly<Record<string, RuleTypeName>>>();
    for (const [name, type] of Object.entries(types)) {
      if (isClassType(type)) {
        classes.set(name, type.ctor as unknown as new () => object);
        declared.set(name, type.fields);
      } else {
        // One class per type: cel-js tells object types apart by their constructor.
        classes.set(name, { [name]: class {} }[name]!);
        declared.set(name, type as Readonly<Record<string, RuleTypeName>>);
      }
    }
    const fieldLists = new Map<string, Array<readonly [string, Converter]>>();
    for (const name of declared.keys()) {
      const fields: Array<readonly [string, Converter]> = [];
      fieldLists.set(name, fields);
      const Ctor = classes.get(name)!;
      objectConverters.set(name, (value) => {
        // Already an instance (built by the caller): nothing to convert.
        if ((value as object).constructor === Ctor) return value;
        const source = value as Record<string, unknown>;
        const target = Object.create(Ctor.prototype) as Record<string, unknown>;
        for (let i = 0; i < fields.length; i++) {
          const [field, convert] = fields[i]!;
          const v = source[field];
          // An absent field stays absent: rules test it with has(x.field).
          if (v !== undefined && v !== null) target[field] = convert(v);
        }
        return target;
      });
    }
    for (const [name, fieldTypes] of declared) {
      const fields = fieldLists.get(name)!;
      for (const [field, type] of Object.entries(fieldTypes)) {
        fields.push([field, converterFor(type, `${name}.${field}`)]);
      }
      env.registerType(name, { ctor: classes.get(name)!, fields: { ...fieldTypes } });
    }
    const converters: Array<readonly [string, Converter]> = [];
    for (const [variable, type] of Object.entries(declaration.variables)) {
      converters.push([variable, converterFor(type, variable)]);
      env.registerVariable(variable, type);
    }
    this.#env = env;
    this.#converters = converters;
    this.#declared = new Set(Object.keys(declaration.variables));
  }

  /**
   * Parse and type-check an expression. Throws a RuleError (phase 'parse' or 'check') for a
   * syntax error, an unknown variable or field, a type mismatch, or a result of another type
   * than `returns`.
   * @example env.compile('size(items) > 2', { returns: 'bool' })
   */
  compile(
    expression: string,
    options: { returns?: 'bool' | 'int' | 'double' | 'string' } = {},
  ): CompiledRule<C> {
    let parsed: ReturnType<Environment['parse']>;
    try {
      parsed = this.#env.parse(expression);
    } catch (error) {
      throw celError('parse', expression, error);
    }
    const checked = parsed.check();
    if (!checked.valid) throw celError('check', expression, checked.error);
    const type = checked.type ?? 'dyn';
    if (options.returns && type !== options.returns && type !== 'dyn') {
      throw new RuleError(
        'check',
        expression,
        `the rule must give ${describeType(options.returns)}, it gives ${describeType(type)}`,
      );
    }
    return new CompiledRule<C>(
      expression,
      type,
      referencedVariables(parsed.ast, this.#declared),
      parsed,
      this,
    );
  }

  /**
   * Convert a context once, to evaluate several rules of this environment on it. With
   * `variables` (the union of the rules' `variables`), only those are converted: a context
   * variable no rule reads costs nothing.
   * @example const ctx = env.prepare({ person }); redRule.test(ctx) || amberRule.test(ctx);
   */
  prepare(context: C, variables?: ReadonlySet<string>): PreparedRuleContext<C> {
    const values: Record<string, unknown> = {};
    const source = context as Record<string, unknown>;
    try {
      for (let i = 0; i < this.#converters.length; i++) {
        const [name, convert] = this.#converters[i]!;
        if (variables !== undefined && !variables.has(name)) continue;
        const v = source[name];
        if (v !== undefined) values[name] = convert(v);
      }
    } catch (error) {
      throw new RuleError(
        'context',
        '(context)',
        `the context does not fit the declared types: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    return { [PREPARED]: values } as unknown as PreparedRuleContext<C>;
  }

  /** @internal the converted values of a prepared context (or a plain one, converted now). */
  valuesOf(context: C | PreparedRuleContext<C>): Record<string, unknown> {
    const prepared = (context as Partial<PreparedRuleContext<C>>)[PREPARED];
    if (prepared !== undefined) return prepared as Record<string, unknown>;
    return (this.prepare(context as C) as unknown as Record<symbol, Record<string, unknown>>)[PREPARED]!;
  }
}

/** A compiled rule: evaluate it as often as needed. */
export class CompiledRule<C extends object> {
  readonly expression: string;
  /** The CEL type of the result, as the checker inferred it ('bool', 'int', 'list<string>', 'dyn'…). */
  readonly type: string;
  /** The context variables the rule reads. */
  readonly variables: ReadonlySet<string>;
  /** The parsed expression (cel-js's tree), for callers that analyse what a rule reads. */
  readonly ast: unknown;
  readonly #run: (context: Record<string, unknown>) => unknown;
  readonly #environment: RuleEnvironment<C>;

  constructor(
    expression: string,
    type: string,
    variables: ReadonlySet<string>,
    run: ((context: Record<string, unknown>) => unknown) & { ast?: unknown },
    environment: RuleEnvironment<C>,
  ) {
    this.expression = expression;
    this.type = type;
    this.variables = variables;
    this.ast = run.ast;
    this.#run = run;
    this.#environment = environment;
  }

  /**
   * The rule's value on a context (plain, or prepared by the environment), normalised to plain
   * JavaScript. Throws a RuleError (phase 'evaluate') when evaluation fails, e.g. a field the
   * context lacks.
   * @example env.compile('person.ageDays / 30').evaluate({ person: { ageDays: 95, amazon: false } }) // 3
   */
  evaluate(context: C | PreparedRuleContext<C>): RuleValue {
    return normaliseRuleValue(this.#raw(context));
  }

  /**
   * The rule's value as a boolean; throws a RuleError when it is not one.
   * @example env.compile('person.amazon').test({ person: { ageDays: 10, amazon: true } }) // true
   */
  test(context: C | PreparedRuleContext<C>): boolean {
    const value = this.#raw(context);
    if (typeof value !== 'boolean') {
      throw new RuleError('evaluate', this.expression, `the rule gave ${typeof value}, not true or false`);
    }
    return value;
  }

  #raw(context: C | PreparedRuleContext<C>): unknown {
    const values = this.#environment.valuesOf(context);
    try {
      return this.#run(values);
    } catch (error) {
      throw celError('evaluate', this.expression, error);
    }
  }
}

/**
 * Turn what cel-js returns into plain JavaScript: integers (BigInt) become numbers, Maps and
 * typed objects become plain objects, lists are converted element by element.
 * @example normaliseRuleValue([1n, { a: 2n }]) // [1, { a: 2 }]
 */
export function normaliseRuleValue(value: unknown): RuleValue {
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return value;
    case 'bigint':
      return Number(value);
    case 'undefined':
      return null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(normaliseRuleValue);
      if (value instanceof Uint8Array || value instanceof Date) return value;
      if (value instanceof Map) {
        const out: Record<string, RuleValue> = {};
        for (const [k, v] of value) out[String(k)] = normaliseRuleValue(v);
        return out;
      }
      const out: Record<string, RuleValue> = {};
      for (const [k, v] of Object.entries(value)) out[k] = normaliseRuleValue(v);
      return out;
    }
    default:
      // CEL has no functions or symbols as values; a custom function returning one is a bug.
      return String(value);
  }
}

/**
 * The declared variables an expression reads: every identifier of the parsed tree that names one
 * (an iteration variable such as `i` in items.exists(i, …) is not declared, so it is skipped).
 */
function referencedVariables(ast: unknown, declared: ReadonlySet<string>): ReadonlySet<string> {
  const found = new Set<string>();
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
      continue;
    }
    const { op, args } = node as { op?: unknown; args?: unknown };
    if (op === 'id' && typeof args === 'string') {
      if (declared.has(args)) found.add(args);
    } else if (args !== undefined) {
      stack.push(args);
    }
  }
  return found;
}

function describeType(type: string): string {
  return type === 'bool' ? 'true or false' : type;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function celError(phase: RulePhase, expression: string, error: unknown): RuleError {
  const e = error as
    | { summary?: string; message?: string; range?: { start: number; end: number } }
    | undefined;
  // cel-js messages carry an excerpt with a caret after the first line; the summary is the first line.
  const summary = e?.summary ?? e?.message?.split('\n')[0] ?? String(error);
  return new RuleError(phase, expression, summary, { range: e?.range, cause: error });
}
