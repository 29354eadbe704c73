// The parser: a chevrotain EmbeddedActionsParser over the tokens of lexer.ts that builds the AST
// of ast.ts directly. Grammar: LANGUAGE.md, "Syntax". One instance is built (and its grammar
// analysed) once; each parse sets its input.
//
// Recovery is written into the grammar as error productions (GATEd alternatives that report and
// skip) rather than left to chevrotain's automatic re-sync, so that messages fit the language:
// every error names what was expected in plain words, partial input (`Conv2D(32, `, `Dense(`,
// `activation=`) still yields nodes, and one mistake never hides the rest of the file. Every
// CONSUME is reached only where its token is known to be next (by the rule's lookahead or a
// GATE), so chevrotain never raises a recognition error; should one happen anyway, it gets a
// readable message (errorMessages below) and the parse still returns.
//
// Recovery rules, in short:
//  - `}`, the end of the file, and `model|compile|data|fit|tune {` end whatever is open.
//  - Inside brackets, a missing `,` is reported and parsing goes on; a missing closer is reported
//    as a zero-width error at the end of the previous token.
//  - When a bracket is never closed (found by matching brackets up front), a line that starts
//    at or left of the opening line's indentation and looks like a layer (`Dense(`) or a setting
//    (`loss:`) ends it, so the following layers still parse. Closed brackets ignore layout.
//  - A line that cannot start a layer or setting is skipped with one error.
//
// Speed: embedded actions run only outside chevrotain's recording phase. The hot rules test
// RECORDING_PHASE instead of wrapping each action in ACTION(), and build their alternatives once
// (functions that read the parser's state rather than capture locals), because a closure per
// rule call doubled the garbage of a parse.
import {
  EmbeddedActionsParser,
  type DSLMethodOpts,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IToken,
  type OrMethodOpts,
  type TokenType,
} from 'chevrotain';
import type {
  Argument,
  Block,
  CallValue,
  ErrorValue,
  Identifier,
  ModelBlock,
  ModelFile,
  NumberValue,
  Position,
  Range,
  Setting,
  SettingsBlock,
  SettingsBlockKind,
  SyntaxError,
  Value,
} from './ast';
import {
  AdditiveOperator,
  allTokenTypes,
  AnyString,
  AnyToken,
  Closer,
  Colon,
  Comma,
  endOf,
  Equals,
  LBrace,
  LBracket,
  LParen,
  MultiplicativeOperator,
  Name,
  NumberToken,
  RBrace,
  RParen,
  startOf,
  stringValue,
  type Token,
  type TokenKind,
} from './lexer';

const BLOCK_KEYWORDS = new Set(['model', 'compile', 'data', 'fit', 'tune']);
const SETTINGS_KEYWORDS = new Set(['compile', 'data', 'fit', 'tune']);
const LITERALS = new Set(['True', 'true', 'False', 'false', 'None']);
const VALUE_START = new Set<TokenKind>(['number', 'string', 'badString', 'name', '(', '[', '-', '+']);
const OPERATORS = new Set<TokenKind>(['+', '-', '*', '/']);

/** Deeper nesting than this is reported instead of parsed, so deep input cannot overflow the stack. */
const MAX_DEPTH = 64;

/** What the `items` rule parses: the inside of a call, a list or a tuple. */
interface ItemsSpec {
  /** Token index of the opening bracket (already consumed). */
  openIndex: number;
  closer: ')' | ']';
  /** How the error for a missing closer names the bracket (`the list`); a call's is `the call to Dense`. */
  what?: string;
  /** Arguments (which may be `name=value`) rather than plain values. */
  args: boolean;
  /** The items so far; a tuple's first item is already there. */
  items: (Argument | Value)[];
  /** Set when the caller already finished the bracket (a parenthesised value): parse nothing. */
  done?: boolean;
}

/** The state of one `items` rule invocation (brackets nest, so these form a stack). */
interface ItemsFrame {
  spec: ItemsSpec;
  open: Token;
  unclosed: boolean;
  needComma: boolean;
  sawComma: boolean;
}

interface ItemsResult {
  close?: Token;
  sawComma: boolean;
}

interface BodyResult {
  layers: CallValue[];
  settings: Setting[];
  close?: Token;
}

interface BodyState extends BodyResult {
  isModel: boolean;
  /** A layer or setting came last (so a comma is in place). */
  afterItem: boolean;
}

/** Messages for errors chevrotain raises itself; the grammar is written so that none should be. */
const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    `Expected ${tokenTypeWords(expected)}, found ${describe(actual as Token)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `Unexpected ${describe(firstRedundant as Token)}`,
  buildNoViableAltMessage: ({ actual }) => `Unexpected ${describe(actual[0] as Token)}`,
  buildEarlyExitMessage: ({ actual }) => `Unexpected ${describe(actual[0] as Token)}`,
};

class ModelParser extends EmbeddedActionsParser {
  private toks: Token[] = [];
  /** Index of the eof token (chevrotain pads the input with sentinels past it while parsing). */
  private last = 0;
  private depth = 0;
  /** For each `(` or `[`, the index of its closing token, or -1 when it is never closed. */
  private closerOf: Int32Array = new Int32Array(0);
  private syntaxErrors: SyntaxError[] = [];
  /** chevrotain's index of the last consumed token (not in its type declarations). */
  private declare currIdx: number;
  /** The innermost `items` invocation. */
  private frame!: ItemsFrame;
  /** What the value of `valueOrMissing` comes after (read before any nested value is parsed). */
  private valueAfter!: Token;
  private valueAfterSuffix = '';
  /** The state of the block body being parsed. */
  private bodyState!: BodyState;
  /** Whether `parenthesised` just read a first value. */
  private parenthesisedValue = false;

  // Alternatives of the hot rules are built once and reused: their functions read the parser's
  // state rather than capturing locals, so parsing allocates little besides the tree.
  private valueAlternatives?: OrMethodOpts<Value>;
  private valueOrMissingAlternatives?: OrMethodOpts<Value>;
  private itemsLoop?: DSLMethodOpts<void>;
  private itemsCloser?: DSLMethodOpts<Token>;
  private primaryAlternatives?: IOrAlt<Value>[];
  private layerAlternatives?: IOrAlt<CallValue>[];
  private bodyLoop?: DSLMethodOpts<void>;
  private parenthesisedFirst?: DSLMethodOpts<Value>;
  private parenthesisedClose?: DSLMethodOpts<Token>;
  private readonly enterNested = () => {
    this.depth++;
  };
  private readonly leaveNested = () => {
    this.depth--;
  };

  /** `validate`: run chevrotain's grammar checks (ambiguities, left recursion…); tests do. */
  constructor(validate = false) {
    super(allTokenTypes, {
      // Recovery is in the grammar (see the top of this file); chevrotain's re-sync stays off.
      recoveryEnabled: false,
      // Decisions beyond the next token are GATEs over the token array.
      maxLookahead: 1,
      // The checks halve the one-time grammar analysis (about 40 ms); checkGrammar() runs them.
      skipValidations: !validate,
      errorMessageProvider: errorMessages,
    });
    this.performSelfAnalysis();
  }

  parseFile(tokens: Token[], end: Position): { file: ModelFile; errors: SyntaxError[] } {
    this.toks = tokens;
    this.last = tokens.length - 1;
    this.depth = 0;
    this.closerOf = matchBrackets(tokens);
    this.syntaxErrors = [];
    this.input = tokens;
    const blocks = this.file() ?? [];
    for (const e of this.errors) {
      const t = e.token as Token;
      const at = t.kind ? startOf(t) : end;
      this.syntaxErrors.push({
        range: { start: at, end: t.kind ? endOf(t) : end },
        message: e.message,
        code: 'syntax-error',
      });
    }
    const errors = this.syntaxErrors;
    this.toks = [];
    this.syntaxErrors = [];
    return { file: { blocks, comments: [], range: { start: { line: 0, character: 0, offset: 0 }, end } }, errors };
  }

  // ---- blocks ----

  private readonly file = this.RULE('file', (): Block[] => {
    const blocks: Block[] = [];
    this.MANY(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => this.peek().image === 'model',
            ALT: () => {
              const block = this.SUBRULE(this.modelBlock);
              this.ACTION(() => blocks.push(block));
            },
          },
          {
            GATE: () => this.peek().kind === 'name' && SETTINGS_KEYWORDS.has(this.peek().image),
            ALT: () => {
              const block = this.SUBRULE(this.settingsBlock);
              this.ACTION(() => blocks.push(block));
            },
          },
          { ALT: () => this.SUBRULE(this.skipTopLevel) },
        ],
      });
    });
    return blocks;
  });

  private readonly modelBlock = this.RULE('modelBlock', (): ModelBlock => {
    const keyword = this.CONSUME(Name) as Token;
    const name = this.OPTION({
      GATE: () => !this.isBlockStart(this.pos()),
      DEF: () => this.CONSUME2(Name) as Token,
    });
    this.ACTION(() => {
      if (!name) this.missing("Expected a model name after 'model', e.g. model digits_cnn {");
    });
    const open = this.OPTION2(() => this.CONSUME(LBrace) as Token);
    const bodyStart = this.ACTION(() => {
      if (!open) this.missing(`Expected '{' after ${name ? `'model ${name.image}'` : "'model'"} to start the block`);
      return open ? startOf(open) : this.previousEnd();
    });
    const body = this.SUBRULE(this.body, { ARGS: ['model', open] });
    return this.ACTION(() => {
      const end = body.close ? endOf(body.close) : this.previousEnd();
      const block: ModelBlock = {
        kind: 'model',
        keyword: rangeOf(keyword),
        layers: body.layers,
        bodyRange: { start: bodyStart, end },
        range: { start: startOf(keyword), end },
      };
      if (name) block.name = identifier(name);
      return block;
    });
  });

  private readonly settingsBlock = this.RULE('settingsBlock', (): SettingsBlock => {
    const keyword = this.CONSUME(Name) as Token;
    const open = this.OPTION(() => this.CONSUME(LBrace) as Token);
    const bodyStart = this.ACTION(() => {
      if (!open) this.missing(`Expected '{' after '${keyword.image}' to start the block`);
      return open ? startOf(open) : this.previousEnd();
    });
    const body = this.SUBRULE(this.body, { ARGS: [keyword.image, open] });
    return this.ACTION(() => {
      const end = body.close ? endOf(body.close) : this.previousEnd();
      return {
        kind: keyword.image as SettingsBlockKind,
        keyword: rangeOf(keyword),
        settings: body.settings,
        bodyRange: { start: bodyStart, end },
        range: { start: startOf(keyword), end },
      };
    });
  });

  /**
   * A block body up to its `}` (missing at the end of the file or before the next block). Items
   * are layers (model) or settings, optionally separated by commas; a line that starts neither
   * is skipped with an error. Blocks do not nest, so the body's state lives in `this.bodyState`.
   */
  private readonly body = this.RULE('body', (kind: string = 'model', open?: Token): BodyResult => {
    const state: BodyState = { layers: [], settings: [], isModel: kind === 'model', afterItem: false };
    this.bodyState = state;
    this.MANY(
      (this.bodyLoop ??= {
        GATE: () => !this.endsEverything(this.pos()),
        DEF: () => this.OR(this.bodyItemAlternatives!),
      }),
    );
    state.close = this.OPTION(() => this.CONSUME(RBrace) as Token);
    if (!this.RECORDING_PHASE && !state.close && open)
      this.missing(`Expected '}' to close the ${kind} block opened at line ${open.line + 1}`);
    return state;
  });

  private readonly bodyItemAlternatives: OrMethodOpts<void> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        ALT: () => {
          const comma = this.CONSUME(Comma) as Token;
          if (this.RECORDING_PHASE) return;
          const state = this.bodyState;
          if (!state.afterItem) this.error(comma, `Expected ${state.isModel ? 'a layer' : 'a setting'} before ','`);
          state.afterItem = false;
        },
      },
      {
        // `x = layers.Dense(64)(x)`, `inputs = keras.Input(...)`: Keras's functional API.
        GATE: () => this.bodyState.isModel && this.peek(1).kind === '=',
        ALT: () => {
          this.SUBRULE(this.functionalLine, { ARGS: [this.pos()] });
          if (!this.RECORDING_PHASE) this.bodyState.afterItem = false;
        },
      },
      {
        GATE: () => this.bodyState.isModel && this.startsLayer(),
        ALT: () => {
          const first = this.pos();
          const layer = this.SUBRULE(this.layer);
          // `layers.Dense(64)(x)` calls the layer on a tensor, and `keras.Model(inputs, outputs)`
          // builds a functional model: neither is a layer of a Sequential stack.
          let functional = this.OPTION2({
            GATE: () => this.peek().kind === '(' && !this.peek().firstOnLine,
            DEF: () => this.SUBRULE2(this.functionalLine, { ARGS: [first] }),
          });
          if (this.RECORDING_PHASE) return;
          if (functional === undefined && layer.callee.name === 'Model' && layer.pasted?.prefix) {
            this.functionalError(first);
            functional = true;
          }
          if (functional === undefined) this.bodyState.layers.push(layer);
          this.bodyState.afterItem = functional === undefined;
        },
      },
      {
        GATE: () => !this.bodyState.isModel && this.peek(1).kind !== '(',
        ALT: () => {
          const setting = this.SUBRULE(this.setting);
          if (this.RECORDING_PHASE) return;
          this.bodyState.settings.push(setting);
          this.bodyState.afterItem = true;
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.skipLine, {
            ARGS: [this.bodyState?.isModel ? 'a layer call such as Dense(10)' : "a setting such as 'epochs: 12'"],
          });
          if (!this.RECORDING_PHASE) this.bodyState.afterItem = false;
        },
      },
    ],
  };

  /**
   * A layer is a call; a bare name (a layer still being typed) becomes an unclosed call. A pasted
   * `model.add(Dense(10))` is the inner call, with the wrapper recorded on it.
   */
  private readonly layer = this.RULE('layer', (): CallValue => {
    this.CONSUME(Name);
    return this.OR(
      (this.layerAlternatives ??= [
        {
          ALT: () => {
            const call = this.SUBRULE(this.callArguments);
            return this.RECORDING_PHASE ? call : unwrapModelAdd(call);
          },
        },
        {
          ALT: () => {
            if (this.RECORDING_PHASE) return undefined as never;
            const nameToken = this.toks[this.pos() - 1];
            this.error(
              nameToken,
              `Expected '(' after '${nameToken.image}': layers are written as calls, e.g. ${nameToken.image}()`,
            );
            const callee = identifier(nameToken);
            const at = endOf(nameToken);
            return {
              kind: 'call',
              callee,
              args: [],
              argsRange: { start: at, end: at },
              closed: false,
              range: callee.range,
            };
          },
        },
      ]),
    );
  });

  private readonly setting = this.RULE('setting', (): Setting => {
    const keyToken = this.CONSUME(Name) as Token;
    const value = this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(Colon);
            this.expectValueAfter(keyToken, ':');
            return this.SUBRULE(this.valueOrMissing);
          },
        },
        {
          // `epochs 3`: the value is there, only the colon is missing.
          GATE: () => this.canStartValue(this.pos()) && !this.peek().firstOnLine,
          ALT: () => {
            this.ACTION(() => this.missing(`Expected ':' after '${keyToken.image}'`));
            return this.SUBRULE(this.value);
          },
        },
        {
          ALT: () =>
            this.ACTION(() => {
              this.missing(`Expected ':' after '${keyToken.image}', e.g. ${keyToken.image}: value`);
              const at = endOf(keyToken);
              return errorValue(at, at);
            }),
        },
      ],
    });
    return this.ACTION(() => {
      const key = identifier(keyToken);
      return { key, value, range: { start: key.range.start, end: value.range.end } };
    });
  });

  // ---- values ----

  /**
   * A value, or an error and an ErrorValue when none is there. The caller names what the value
   * comes after first (expectValueAfter), for the message: "Expected a value after 'units='".
   */
  private readonly valueOrMissing = this.RULE(
    'valueOrMissing',
    (): Value =>
      this.OR(
        (this.valueOrMissingAlternatives ??= {
          IGNORE_AMBIGUITIES: true,
          DEF: [
            { GATE: () => this.canStartValue(this.pos()), ALT: () => this.SUBRULE(this.value) },
            {
              // Stray punctuation such as `=` or `:` where the value should be: it becomes the error value.
              GATE: () => {
                const t = this.peek();
                return !(
                  t.kind === ',' ||
                  t.kind === ')' ||
                  t.kind === ']' ||
                  t.kind === '}' ||
                  t.firstOnLine ||
                  VALUE_START.has(t.kind)
                );
              },
              ALT: () => {
                const t = this.CONSUME(AnyToken) as Token;
                if (this.RECORDING_PHASE) return undefined as never;
                this.error(t, `${this.missingValueMessage()}, found ${describe(t)}`);
                return errorValue(startOf(t), endOf(t));
              },
            },
            {
              ALT: () => {
                if (this.RECORDING_PHASE) return undefined as never;
                this.missing(this.missingValueMessage());
                const at = this.previousEnd();
                return errorValue(at, at);
              },
            },
          ],
        }),
      ),
  );

  /** Before valueOrMissing: the value comes after `token` and `suffix` (`units` and `=`). */
  private expectValueAfter(token: Token, suffix: string): void {
    this.valueAfter = token;
    this.valueAfterSuffix = suffix;
  }

  private missingValueMessage(): string {
    return `Expected a value after '${this.valueAfter.image}${this.valueAfterSuffix}'`;
  }

  /**
   * A value. Strings, plain numbers and names are read directly; lists, calls and numeric
   * expressions go through their rules, counting the nesting depth.
   */
  private readonly value = this.RULE(
    'value',
    (): Value =>
      this.OR(
        (this.valueAlternatives ??= {
          IGNORE_AMBIGUITIES: true,
          DEF: [
            { GATE: () => this.depth >= MAX_DEPTH, ALT: () => this.SUBRULE(this.tooDeep) },
            {
              ALT: () => {
                const t = this.CONSUME(AnyString) as Token;
                if (this.RECORDING_PHASE) return undefined as never;
                return {
                  kind: 'string',
                  value: stringValue(t.image),
                  quote: t.image[0] === '"' ? '"' : "'",
                  range: rangeOf(t),
                };
              },
            },
            {
              // A number that no operator follows (the common case) needs no expression rules.
              GATE: () => !OPERATORS.has(this.peek(1).kind),
              ALT: () => {
                const t = this.CONSUME(NumberToken) as Token;
                return this.RECORDING_PHASE ? (undefined as never) : numberValue(t);
              },
            },
            {
              // `True`/`False`/`None`, or a bare name; `name(` is a call.
              GATE: () => this.peek(1).kind !== '(' || LITERALS.has(this.peek().image),
              ALT: () => {
                const t = this.CONSUME(Name) as Token;
                return this.RECORDING_PHASE ? (undefined as never) : nameValue(t);
              },
            },
            {
              ALT: () => {
                this.ACTION(this.enterNested);
                const call = this.SUBRULE(this.call);
                this.ACTION(this.leaveNested);
                return call;
              },
            },
            {
              ALT: () => {
                this.ACTION(this.enterNested);
                const list = this.SUBRULE(this.list);
                this.ACTION(this.leaveNested);
                return list;
              },
            },
            {
              // `(…)` that no operator follows: a tuple or a parenthesised value.
              GATE: () => {
                const closer = this.closerOf[this.pos()];
                return closer >= 0 && !OPERATORS.has(this.tok(closer + 1).kind);
              },
              ALT: () => {
                this.ACTION(this.enterNested);
                const value = this.SUBRULE(this.parenthesised);
                this.ACTION(this.leaveNested);
                return value;
              },
            },
            {
              // Numbers, signs and `(`; last, since after a sign the number may be missing.
              ALT: () => {
                this.ACTION(this.enterNested);
                const expression = this.SUBRULE(this.additive);
                this.ACTION(this.leaveNested);
                return expression;
              },
            },
          ],
        }),
      ),
  );

  /** Reports a value nested too deeply and skips it, brackets and all. */
  private readonly tooDeep = this.RULE('tooDeep', (): Value => {
    const first = this.CONSUME(AnyToken) as Token;
    return this.ACTION(() => {
      this.error(first, `Values nested more than ${MAX_DEPTH} deep are not supported`);
      if (first.kind === '(' || first.kind === '[') {
        const closer = this.closerOf[this.pos() - 1];
        if (closer >= 0) this.currIdx = closer;
        else while (!this.endsEverything(this.pos())) this.SKIP_TOKEN();
      }
      return errorValue(startOf(first), this.previousEnd());
    });
  });

  /** `Name(args…)` as a value. */
  private readonly call = this.RULE('call', (): CallValue => {
    this.CONSUME(Name);
    return this.SUBRULE(this.callArguments);
  });

  /** `(args…)` after the callee name, which is the token just consumed. */
  private readonly callArguments = this.RULE('callArguments', (): CallValue => {
    const openIndex = this.pos();
    const open = this.CONSUME(LParen) as Token;
    const args: Argument[] = [];
    const { close } = this.SUBRULE(this.items, { ARGS: [{ openIndex, closer: ')', args: true, items: args }] });
    if (this.RECORDING_PHASE) return undefined as never;
    const nameToken = this.toks[openIndex - 1];
    const end = close ? endOf(close) : this.previousEnd();
    const dot = nameToken.image.lastIndexOf('.');
    if (dot < 0) {
      const callee = identifier(nameToken);
      return {
        kind: 'call',
        callee,
        args,
        argsRange: { start: startOf(open), end },
        closed: close !== undefined,
        range: { start: callee.range.start, end },
      };
    }
    // `layers.Dense(`: the callee is the class name; the prefix is kept for the warning and its fix.
    const start = startOf(nameToken);
    const at = (n: number): Position => ({
      line: start.line,
      character: start.character + n,
      offset: start.offset + n,
    });
    const callee = { name: nameToken.image.slice(dot + 1), range: { start: at(dot + 1), end: endOf(nameToken) } };
    const prefix = { text: nameToken.image.slice(0, dot + 1), range: { start, end: at(dot + 1) } };
    return {
      kind: 'call',
      callee,
      args,
      argsRange: { start: startOf(open), end },
      closed: close !== undefined,
      range: { start, end },
      pasted: { prefix },
    };
  });

  private readonly list = this.RULE('list', (): Value => {
    const openIndex = this.pos();
    const open = this.CONSUME(LBracket) as Token;
    const items: Value[] = [];
    const { close } = this.SUBRULE(this.items, {
      ARGS: [{ openIndex, closer: ']', what: 'the list', args: false, items }],
    });
    return this.ACTION(
      (): Value => ({
        kind: 'list',
        items,
        range: { start: startOf(open), end: close ? endOf(close) : this.previousEnd() },
      }),
    );
  });

  /** `()` is an empty tuple, `(3,)` and `(3, 3)` are tuples, `(3)` is just 3. */
  private readonly parenthesised = this.RULE('parenthesised', (): Value => {
    const openIndex = this.pos();
    const open = this.CONSUME(LParen) as Token;
    const first = this.OPTION(
      (this.parenthesisedFirst ??= {
        GATE: () => this.canStartValue(this.pos()),
        DEF: () => this.SUBRULE(this.value),
      }),
    );
    this.parenthesisedValue = first !== undefined;
    // `(value)` right away: no items to parse.
    const single = this.OPTION2(
      (this.parenthesisedClose ??= { GATE: () => this.parenthesisedValue, DEF: () => this.CONSUME(RParen) as Token }),
    );
    const items: Value[] = first ? [first] : [];
    const { close, sawComma } = this.SUBRULE(this.items, {
      ARGS: [{ openIndex, closer: ')', what: "the '('", args: false, items, done: single !== undefined }],
    });
    if (this.RECORDING_PHASE) return undefined as never;
    if (single) return parenthesised(first!, open, single);
    if (!sawComma && items.length === 1 && !close) return items[0];
    return { kind: 'tuple', items, range: { start: startOf(open), end: close ? endOf(close) : this.previousEnd() } };
  });

  /**
   * `item, item, …` up to the closer of `spec`; the opening bracket is already consumed. Returns
   * the closing token, or none when it is missing.
   */
  private readonly items = this.RULE('items', (spec?: ItemsSpec): ItemsResult => {
    const outer = this.frame;
    if (!this.RECORDING_PHASE) {
      this.frame = {
        spec: spec!,
        open: this.toks[spec!.openIndex],
        unclosed: this.closerOf[spec!.openIndex] === -1,
        needComma: spec!.items.length > 0,
        sawComma: false,
      };
    }
    const frame = this.frame;
    this.MANY(
      (this.itemsLoop ??= {
        GATE: () => !this.frame.spec.done && !this.endsItems(this.frame.open, this.frame.unclosed),
        DEF: () => this.OR(this.itemAlternatives!),
      }),
    );
    const close = this.OPTION(
      (this.itemsCloser ??= {
        GATE: () => !this.frame.spec.done && this.peek().kind === this.frame.spec.closer,
        DEF: () => this.CONSUME(Closer) as Token,
      }),
    );
    if (this.RECORDING_PHASE) return undefined as never;
    this.frame = outer;
    if (!close && !spec!.done) {
      const what = spec!.what ?? `the call to ${this.toks[spec!.openIndex - 1].image}`;
      this.missing(`Expected '${spec!.closer}' to close ${what} opened at line ${frame.open.line + 1}`);
    }
    return { close, sawComma: frame.sawComma };
  });

  /** One step of `items`: a comma, an argument or value, or a stray token reported and skipped. */
  private readonly itemAlternatives: OrMethodOpts<void> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        GATE: () => this.frame.needComma,
        ALT: () => {
          this.CONSUME(Comma);
          this.ACTION(this.commaSeen);
        },
      },
      {
        // `name=value` in a call.
        GATE: () => this.frame.spec.args && this.peek(1).kind === '=',
        ALT: () => {
          this.ACTION(this.checkComma);
          const nameToken = this.CONSUME(Name) as Token;
          this.CONSUME(Equals);
          this.expectValueAfter(nameToken, '=');
          const value = this.SUBRULE(this.valueOrMissing);
          if (this.RECORDING_PHASE) return;
          const name = identifier(nameToken);
          this.addItem({ name, value, range: { start: name.range.start, end: value.range.end } });
        },
      },
      {
        GATE: () => this.canStartValue(this.pos()),
        ALT: () => {
          this.ACTION(this.checkComma);
          const value = this.SUBRULE(this.value);
          if (!this.RECORDING_PHASE) this.addItem(this.frame.spec.args ? { value, range: value.range } : value);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(AnyToken) as Token;
          this.ACTION(() =>
            this.error(
              t,
              this.frame.needComma
                ? `Expected ',' or '${this.frame.spec.closer}', found ${describe(t)}`
                : `Expected a value, found ${describe(t)}`,
            ),
          );
        },
      },
    ],
  };

  private readonly commaSeen = () => {
    this.frame.needComma = false;
    this.frame.sawComma = true;
  };

  /** Before an item: a comma was needed (`Dense(10 activation='relu')`). */
  private readonly checkComma = () => {
    if (this.frame.needComma) this.missing(`Expected ',' between ${this.frame.spec.args ? 'arguments' : 'items'}`);
  };

  /** After an item (whose own brackets had their frames: this one is current again). */
  private addItem(item: Argument | Value): void {
    this.frame.spec.items.push(item);
    this.frame.needComma = true;
  }

  // ---- numeric expressions ----

  private readonly additive = this.RULE('additive', (): Value => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.CONSUME(AdditiveOperator) as Token;
      const right = this.SUBRULE2(this.multiplicative);
      this.ACTION(() => (left = arithmetic(left, op, right, this.syntaxErrors)));
    });
    return left;
  });

  private readonly multiplicative = this.RULE('multiplicative', (): Value => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.CONSUME(MultiplicativeOperator) as Token;
      const right = this.SUBRULE2(this.unary);
      this.ACTION(() => (left = arithmetic(left, op, right, this.syntaxErrors)));
    });
    return left;
  });

  /** Signs are collected in a loop, not by recursion, so `- - - … 1` cannot overflow the stack. */
  private readonly unary = this.RULE('unary', (): Value => {
    const signs: Token[] = [];
    this.MANY(() => {
      const sign = this.CONSUME(AdditiveOperator) as Token;
      this.ACTION(() => signs.push(sign));
    });
    const primary = this.SUBRULE(this.primary);
    return this.ACTION(() => {
      let value = primary;
      for (let i = signs.length - 1; i >= 0; i--) {
        const sign = signs[i];
        const range = { start: startOf(sign), end: value.range.end };
        if (value.kind === 'error') return errorValue(range.start, range.end);
        if (value.kind !== 'number') {
          this.error(sign, `'${sign.image}' needs a number after it`);
          return errorValue(range.start, range.end);
        }
        value = {
          kind: 'number',
          value: sign.kind === '-' ? -value.value : value.value,
          text: sign.image + value.text,
          isInteger: value.isInteger,
          range,
        };
      }
      return value;
    });
  });

  private readonly primary = this.RULE(
    'primary',
    (): Value =>
      this.OR(
        (this.primaryAlternatives ??= [
          {
            ALT: () => {
              const t = this.CONSUME(NumberToken) as Token;
              return this.ACTION(() => numberValue(t));
            },
          },
          { ALT: () => this.SUBRULE(this.parenthesised) },
          {
            ALT: () =>
              this.ACTION(() => {
                this.missing(`Expected a number after '${this.toks[this.pos() - 1].image}'`);
                const at = this.previousEnd();
                return errorValue(at, at);
              }),
          },
        ]),
      ),
  );

  // ---- skipping ----

  /** Skips an unknown word at the top level, up to the next block keyword. */
  private readonly skipTopLevel = this.RULE('skipTopLevel', (): void => {
    const first = this.CONSUME(AnyToken) as Token;
    let depth = 0;
    this.ACTION(() => {
      this.error(first, `Expected a block ('model', 'compile', 'data', 'fit' or 'tune'), found ${describe(first)}`);
      depth = first.kind === '{' ? 1 : 0;
    });
    this.MANY({
      GATE: () => {
        const t = this.peek();
        if (this.isBlockStart(this.pos())) return false;
        return !(depth <= 0 && t.kind === 'name' && BLOCK_KEYWORDS.has(t.image) && t.firstOnLine);
      },
      DEF: () => {
        const t = this.CONSUME2(AnyToken) as Token;
        this.ACTION(() => {
          if (t.kind === '{') depth++;
          if (t.kind === '}') depth--;
        });
      },
    });
  });

  /**
   * A line of Keras's functional API, from token `first` (maybe already consumed) to the end of
   * its line, brackets followed across lines: one error for the whole line.
   */
  private readonly functionalLine = this.RULE('functionalLine', (first: number = 0): boolean => {
    let depth = 0;
    const count = (t: Token) => {
      if (t.kind === '(' || t.kind === '[') depth++;
      else if ((t.kind === ')' || t.kind === ']') && depth > 0) depth--;
    };
    const t = this.CONSUME(AnyToken) as Token;
    if (!this.RECORDING_PHASE) count(t);
    this.MANY({
      GATE: () => !this.endsEverything(this.pos()) && (depth > 0 || !this.peek().firstOnLine),
      DEF: () => {
        const next = this.CONSUME2(AnyToken) as Token;
        if (!this.RECORDING_PHASE) count(next);
      },
    });
    if (!this.RECORDING_PHASE) this.functionalError(first);
    return true;
  });

  private functionalError(first: number): void {
    this.syntaxErrors.push({
      range: { start: startOf(this.toks[first]), end: this.previousEnd() },
      message:
        "This is Keras's functional API: this language describes Sequential models, one layer call per line " +
        "(write `Dense(64, activation='relu')`, not `x = layers.Dense(64)(x)`; the input is `Input(shape=...)` as the first layer, and `keras.Model(...)` is not needed)",
      code: 'functional-api',
    });
  }

  /** Skips the rest of the current line (at least one token) inside a block. */
  private readonly skipLine = this.RULE('skipLine', (example: string = ''): void => {
    const first = this.CONSUME(AnyToken) as Token;
    this.ACTION(() => this.error(first, `Expected ${example}, found ${describe(first)}`));
    this.MANY({
      GATE: () => !this.endsEverything(this.pos()) && !this.peek().firstOnLine,
      DEF: () => this.CONSUME2(AnyToken),
    });
  });

  // ---- lookahead helpers (token indexes into toks) ----

  /** Index of the next token. */
  private pos(): number {
    return this.currIdx + 1;
  }

  private tok(i: number): Token {
    return this.toks[i < this.last ? i : this.last];
  }

  private peek(ahead = 0): Token {
    return this.tok(this.currIdx + 1 + ahead);
  }

  /** `Name(`, or a bare name alone on its line (a layer still being typed). */
  private startsLayer(): boolean {
    const next = this.peek(1);
    return next.kind === '(' || next.firstOnLine || next.kind === ',' || next.kind === '}' || next.kind === 'eof';
  }

  /** `model|compile|data|fit|tune` followed by `{` (or `model NAME {`) always starts a new block. */
  private isBlockStart(i: number): boolean {
    const t = this.tok(i);
    if (t.kind !== 'name' || !BLOCK_KEYWORDS.has(t.image)) return false;
    const next = this.tok(i + 1);
    if (next.kind === '{') return true;
    return t.image === 'model' && next.kind === 'name' && this.tok(i + 2).kind === '{';
  }

  private canStartValue(i: number): boolean {
    const t = this.tok(i);
    if (!VALUE_START.has(t.kind)) return false;
    if (t.kind !== 'name') return true;
    // `loss:` and `units=` introduce something new; they are never values themselves.
    const next = this.tok(i + 1).kind;
    return next !== ':' && next !== '=' && !this.isBlockStart(i);
  }

  /** `}`, the end of the file or a new block: nothing inside brackets goes past these. */
  private endsEverything(i: number): boolean {
    const kind = this.tok(i).kind;
    return kind === 'eof' || kind === '}' || this.isBlockStart(i);
  }

  /** Where a bracket's items end: any closer, whatever ends everything, or layout (see top). */
  private endsItems(open: Token, unclosed: boolean): boolean {
    const i = this.pos();
    const t = this.tok(i);
    if (t.kind === ')' || t.kind === ']' || this.endsEverything(i)) return true;
    return unclosed && this.startsOuterItem(t, open);
  }

  /** A line starting at or left of the opener's line that reads `Name(` or `name:`. */
  private startsOuterItem(t: Token, open: Token): boolean {
    if (!t.firstOnLine || t.kind !== 'name' || t.character > open.lineIndent) return false;
    const next = this.peek(1).kind;
    return next === '(' || next === ':';
  }

  // ---- errors ----

  /** End of the last consumed token: where a missing token would go. */
  private previousEnd(): Position {
    const i = this.pos();
    return i > 0 ? endOf(this.toks[i - 1]) : startOf(this.toks[0]);
  }

  private error(at: Token, message: string): void {
    this.syntaxErrors.push({ range: rangeOf(at), message, code: 'syntax-error' });
  }

  private missing(message: string): void {
    const at = this.previousEnd();
    this.syntaxErrors.push({ range: { start: at, end: at }, message, code: 'syntax-error' });
  }
}

let instance: ModelParser | undefined;

/** Builds a parser with chevrotain's grammar validations on; throws when the grammar has errors. */
export function checkGrammar(): void {
  new ModelParser(true);
}

/** Parses the tokens of lexer.ts (ending with 'eof'); `end` is the end of the text. */
export function parseTokens(tokens: Token[], end: Position): { file: ModelFile; errors: SyntaxError[] } {
  instance ??= new ModelParser();
  return instance.parseFile(tokens, end);
}

function rangeOf(t: Token): Range {
  return { start: startOf(t), end: endOf(t) };
}

function identifier(t: Token): Identifier {
  return { name: t.image, range: rangeOf(t) };
}

function numberValue(t: Token): Value {
  return { kind: 'number', value: Number(t.image), text: t.image, isInteger: /^\d+$/.test(t.image), range: rangeOf(t) };
}

/** `True`/`False`/`None`, or a bare name. */
function nameValue(t: Token): Value {
  const range = rangeOf(t);
  switch (t.image) {
    case 'True':
    case 'true':
      return { kind: 'boolean', value: true, range };
    case 'False':
    case 'false':
      return { kind: 'boolean', value: false, range };
    case 'None':
      return { kind: 'none', range };
  }
  return { kind: 'name', name: t.image, range };
}

/**
 * `model.add(Dense(10))` (any `NAME.add` with one positional call) is the inner call, carrying the
 * wrapper's text and ranges (and the inner call's own prefix) for the pasted-Keras fix.
 */
function unwrapModelAdd(call: CallValue): CallValue {
  const prefix = call.pasted?.prefix;
  if (!prefix || call.callee.name !== 'add' || call.args.length !== 1) return call;
  const arg = call.args[0];
  if (arg.name || arg.value.kind !== 'call') return call;
  const inner = arg.value;
  return {
    ...inner,
    pasted: {
      ...inner.pasted,
      wrapper: {
        text: `${prefix.text}add`,
        open: { start: call.range.start, end: inner.range.start },
        close: { start: inner.range.end, end: call.range.end },
      },
    },
  };
}

function errorValue(start: Position, end: Position): ErrorValue {
  return { kind: 'error', range: { start, end } };
}

/** `(3)` keeps its parentheses in the source text; `('relu')` is just the string. */
function parenthesised(inner: Value, open: Token, close: Token): Value {
  if (inner.kind !== 'number') return inner;
  const number: NumberValue = {
    kind: 'number',
    value: inner.value,
    text: `(${inner.text})`,
    isInteger: inner.isInteger,
    range: { start: startOf(open), end: endOf(close) },
  };
  return number;
}

function arithmetic(left: Value, op: Token, right: Value, errors: SyntaxError[]): Value {
  const range = { start: left.range.start, end: right.range.end };
  if (left.kind === 'error' || right.kind === 'error') return errorValue(range.start, range.end);
  if (left.kind !== 'number' || right.kind !== 'number') {
    errors.push({ range: rangeOf(op), message: `'${op.image}' needs numbers on both sides`, code: 'syntax-error' });
    return errorValue(range.start, range.end);
  }
  let value: number;
  switch (op.kind) {
    case '+':
      value = left.value + right.value;
      break;
    case '-':
      value = left.value - right.value;
      break;
    case '*':
      value = left.value * right.value;
      break;
    default:
      value = left.value / right.value;
  }
  return {
    kind: 'number',
    value,
    text: left.text + op.image + right.text,
    isInteger: left.isInteger && right.isInteger && op.kind !== '/',
    range,
  };
}

/** How a token reads in an error message. */
function describe(t: Token | IToken | undefined): string {
  const kind = (t as Token | undefined)?.kind;
  if (!t || !kind || kind === 'eof') return 'the end of the file';
  switch (kind) {
    case 'number':
      return `the number ${t.image}`;
    case 'string':
    case 'badString':
      return `the string ${t.image}`;
    default:
      return `'${t.image}'`;
  }
}

/** How a token type reads in an error message (for chevrotain's own errors). */
function tokenTypeWords(type: TokenType): string {
  const image = {
    LParen: '(',
    RParen: ')',
    LBracket: '[',
    RBracket: ']',
    LBrace: '{',
    RBrace: '}',
    Comma: ',',
    Colon: ':',
    Equals: '=',
  }[type.name];
  if (image) return `'${image}'`;
  return { Name: 'a name', Number: 'a number', String: 'a string', AnyString: 'a string' }[type.name] ?? 'a value';
}

/** Pairs each `(` and `[` with its closer. `}` and new blocks close nothing and end every pair. */
function matchBrackets(tokens: Token[]): Int32Array {
  const closerOf = new Int32Array(tokens.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const kind = tokens[i].kind;
    if (kind === '(' || kind === '[') {
      open.push(i);
    } else if (kind === ')' || kind === ']') {
      const top = open[open.length - 1];
      if (top !== undefined && tokens[top].kind === (kind === ')' ? '(' : '[')) closerOf[open.pop()!] = i;
    } else if (kind === '}' || kind === '{' || (kind === 'name' && tokens[i + 1]?.kind === '{')) {
      open.length = 0;
    }
  }
  return closerOf;
}
