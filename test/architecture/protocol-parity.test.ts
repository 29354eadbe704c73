// protocol.ts (what the launcher, CLI and panel read) and protocol.py (what the PyTorch engine
// writes) describe the same RunSpec and events. Both sides are derived from their own types —
// the TypeScript compiler API for protocol.ts, the TypedDicts' __required_keys__ for
// protocol.py — and compared field by field, so a field added on one side only is named here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '../..');
const PROTOCOL_TS = resolve(root, 'training/protocol.ts');
const PYTHON_DIR = resolve(root, 'python');
// Any Python ≥ 3.11 (typing.NotRequired); protocol.py imports only the standard library.
const PYTHON = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import typing; typing.NotRequired'], { encoding: 'utf8' }).status === 0,
);

/** Field path ('fit.seed', 'samples[].image') → optional? */
type Fields = Record<string, boolean>;
export interface ProtocolShape {
  runSpec: Fields;
  /** Event type → its fields. */
  events: Record<string, Fields>;
}

function tsShape(): ProtocolShape {
  const program = ts.createProgram([PROTOCOL_TS], {
    // protocol.ts alone: the types it imports (the catalog's KerasLayerConfig, Task) are leaves of
    // the walk below either way, and reading the modules behind them (the whole catalog) was
    // half of this test's CPU.
    noResolve: true,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(PROTOCOL_TS)!;
  const declaredHere = (t: ts.Type) =>
    (t.aliasSymbol ?? t.getSymbol())?.declarations?.some((d) => d.getSourceFile() === sf) ?? false;

  const walk = (type: ts.Type, prefix: string, out: Fields): Fields => {
    for (const prop of checker.getPropertiesOfType(type)) {
      const path = prefix + prop.name;
      out[path] = (prop.flags & ts.SymbolFlags.Optional) !== 0;
      let t = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(prop, sf));
      let at = path;
      while (checker.isArrayType(t)) {
        t = checker.getTypeArguments(t as ts.TypeReference)[0]!;
        at += '[]';
      }
      // Recurse into object types this file declares (named or literal); Records, Metrics
      // (index signatures) and the catalog's KerasLayerConfig are leaves on both sides.
      const isObject = (t.flags & ts.TypeFlags.Object) !== 0 && !t.getCallSignatures().length;
      if (isObject && declaredHere(t) && !checker.getIndexInfosOfType(t).length) walk(t, `${at}.`, out);
    }
    return out;
  };

  const named = (name: string) => {
    const decl = sf.statements.find(
      (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
        (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name,
    );
    assert.ok(decl, `protocol.ts declares no ${name}`);
    return checker.getTypeAtLocation(decl.name);
  };
  const events: Record<string, Fields> = {};
  const union = named('RunEvent');
  for (const member of union.isUnion() ? union.types : [union]) {
    const typeProp = member.getProperty('type');
    const literal = typeProp && checker.getTypeOfSymbolAtLocation(typeProp, sf);
    assert.ok(literal?.isStringLiteral(), `a RunEvent member in protocol.ts has no string literal 'type'`);
    events[literal.value] = walk(member, '', {});
  }
  return { runSpec: walk(named('RunSpec'), '', {}), events };
}

const PY_SHAPE = `
import json, sys, typing
sys.path.insert(0, sys.argv[1])
from modelspec_torch import protocol as p

def is_typed_dict(t):
    return isinstance(t, type) and hasattr(t, '__required_keys__')

def walk(cls, prefix, out):
    for name, t in typing.get_type_hints(cls).items():
        path = prefix + name
        out[path] = name not in cls.__required_keys__
        args = [a for a in typing.get_args(t) if a is not type(None)]
        if typing.get_origin(t) is typing.Union and len(args) == 1:
            t = args[0]
        while typing.get_origin(t) is list:
            t = typing.get_args(t)[0]
            path += '[]'
        if is_typed_dict(t):
            walk(t, path + '.', out)
    return out

events = {}
for cls in typing.get_args(p.RunEvent):
    (kind,) = typing.get_args(typing.get_type_hints(cls)['type'])
    events[kind] = walk(cls, '', {})
print(json.dumps({'runSpec': walk(p.RunSpec, '', {}), 'events': events}))
`;

function pyShape(): ProtocolShape {
  const r = spawnSync(PYTHON!, ['-c', PY_SHAPE, PYTHON_DIR], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(r.status, 0, `reading protocol.py's TypedDicts failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as ProtocolShape;
}

const kind = (optional: boolean) => (optional ? 'optional' : 'required');

function compareFields(where: string, a: Fields, b: Fields): string[] {
  const out: string[] = [];
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!(name in b))
      out.push(`${where}: field '${name}' (${kind(a[name]!)}) is in protocol.ts but not in protocol.py`);
    else if (!(name in a))
      out.push(`${where}: field '${name}' (${kind(b[name]!)}) is in protocol.py but not in protocol.ts`);
    else if (a[name] !== b[name]) {
      out.push(
        `${where}: field '${name}' is ${kind(a[name]!)} in protocol.ts but ${kind(b[name]!)} in protocol.py${b[name] ? ' (NotRequired)' : ''}`,
      );
    }
  }
  return out;
}

/** Every difference between the two sides, one readable line each. */
export function differences(tsSide: ProtocolShape, pySide: ProtocolShape): string[] {
  const out = compareFields('RunSpec', tsSide.runSpec, pySide.runSpec);
  for (const type of [...new Set([...Object.keys(tsSide.events), ...Object.keys(pySide.events)])].sort()) {
    const a = tsSide.events[type];
    const b = pySide.events[type];
    if (!b) out.push(`event '${type}' is in protocol.ts's RunEvent but not in protocol.py's RunEvent`);
    else if (!a) out.push(`event '${type}' is in protocol.py's RunEvent but not in protocol.ts's RunEvent`);
    else out.push(...compareFields(`event '${type}'`, a, b));
  }
  return out;
}

const SKIP = PYTHON ? false : 'no Python 3.11+ found (/usr/bin/python3 or python3 on PATH)';

test('protocol.ts and protocol.py agree on the RunSpec and every event, field by field', { skip: SKIP }, () => {
  const tsSide = tsShape();
  const pySide = pyShape();
  // Sanity: both walks reached nested fields, so a pass means something.
  assert.equal(tsSide.runSpec['fit.seed'], true);
  assert.equal(tsSide.runSpec['data.train.x.path'], false);
  assert.equal(tsSide.events.evaluated?.['samples[].image'], true);
  const diff = differences(tsSide, pySide);
  assert.deepEqual(
    diff,
    [],
    `protocol.ts and protocol.py disagree; change both (NotRequired[...] in Python is '?' in TypeScript):\n${diff.join('\n')}`,
  );
});

test('the comparison names the field and the event that differ (synthetic shapes)', () => {
  const a: ProtocolShape = {
    runSpec: { runDir: false, 'fit.seed': true },
    events: { stopped: { type: false, reason: false }, log: { type: false } },
  };
  const b: ProtocolShape = {
    runSpec: { runDir: false, 'fit.seed': false, extra: true },
    events: { stopped: { type: false, reason: true, stopReason: false } },
  };
  assert.deepEqual(differences(a, b), [
    "RunSpec: field 'extra' (optional) is in protocol.py but not in protocol.ts",
    "RunSpec: field 'fit.seed' is optional in protocol.ts but required in protocol.py",
    "event 'log' is in protocol.ts's RunEvent but not in protocol.py's RunEvent",
    "event 'stopped': field 'reason' is required in protocol.ts but optional in protocol.py (NotRequired)",
    "event 'stopped': field 'stopReason' (required) is in protocol.py but not in protocol.ts",
  ]);
});
