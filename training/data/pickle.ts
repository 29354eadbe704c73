// A safe reader for the Python pickles Keras's datasets are stored in (CIFAR's batches, the
// object arrays inside imdb.npz): it builds plain values and numpy arrays from the opcodes these
// files use and never runs anything. Like Keras's RestrictedUnpickler (keras/src/datasets/
// npz_utils.py), the only globals it accepts are numpy's ndarray, dtype and
// multiarray._reconstruct; any other global, or an opcode it does not know, is refused.
// Python 2 strings (SHORT_BINSTRING/BINSTRING) come back as bytes, as `encoding='bytes'` does.

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | NdArray
  | PyDtype
  | PyGlobal;

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A dict; keys are kept as read (bytes keys as latin1 strings, marked by `bytesKeys`). */
export class PyDict {
  readonly entries = new Map<string, PyValue>();
  set(key: PyValue, value: PyValue): void {
    this.entries.set(keyText(key), value);
  }
  get(key: string): PyValue | undefined {
    return this.entries.get(key);
  }
}

function keyText(key: PyValue): string {
  if (typeof key === 'string') return key;
  if (key instanceof Uint8Array) return Buffer.from(key).toString('latin1');
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  throw new PickleError('a dict key that is not a string, bytes or number');
}

export class PyDtype {
  byteOrder = '|';
  constructor(readonly code: string) {}
  /** numpy's dtype.str, e.g. '|u1', '<i8', '|O8' ('=' is the writer's native order: little-endian here). */
  get str(): string {
    return `${this.byteOrder === '=' ? '<' : this.byteOrder}${this.code}`;
  }
}

/** A numpy array: `data` is the raw bytes (numeric dtypes) or the elements (object arrays). */
export class NdArray {
  shape: number[] = [];
  dtype?: PyDtype;
  fortranOrder = false;
  data: Uint8Array | PyValue[] = new Uint8Array(0);
}

class PyGlobal {
  constructor(readonly name: 'ndarray' | 'dtype' | '_reconstruct') {}
}

export class PickleError extends Error {}

const ALLOWED_GLOBALS: Record<string, PyGlobal['name']> = {
  'numpy ndarray': 'ndarray',
  'numpy dtype': 'dtype',
  'numpy.core.multiarray _reconstruct': '_reconstruct',
  'numpy._core.multiarray _reconstruct': '_reconstruct',
};

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

/** Reads one pickle from `bytes` (starting at `offset`). Throws PickleError on anything unexpected. */
export function readPickle(bytes: Uint8Array, offset = 0): PyValue {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = offset;
  const stack: StackItem[] = [];
  const memo = new Map<number, PyValue>();

  const need = (n: number) => {
    if (pos + n > buf.length) throw new PickleError('the pickle ends early (a cut or damaged file)');
  };
  const u8 = () => (need(1), buf[pos++]);
  const u16 = () => (need(2), (pos += 2), buf.readUInt16LE(pos - 2));
  const u32 = () => (need(4), (pos += 4), buf.readUInt32LE(pos - 4));
  const i32 = () => (need(4), (pos += 4), buf.readInt32LE(pos - 4));
  const u64 = () => {
    need(8);
    const n = buf.readBigUInt64LE(pos);
    pos += 8;
    if (n > BigInt(buf.length)) throw new PickleError('the pickle names a length beyond the file');
    return Number(n);
  };
  const take = (n: number) => (need(n), (pos += n), buf.subarray(pos - n, pos));
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError('the pickle ends early (a cut or damaged file)');
    const text = buf.toString('latin1', pos, end);
    pos = end + 1;
    return text;
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new PickleError('the pickle pops more than it pushed');
    return v;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('the pickle has no value where one is needed');
    return v;
  };
  const popMark = (): PyValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new PickleError('the pickle has no MARK where one is needed');
    const items = stack.splice(at) as PyValue[];
    items.shift();
    return items;
  };
  const memoGet = (i: number) => {
    const v = memo.get(i);
    if (v === undefined) throw new PickleError(`the pickle refers to memo ${i}, which it never stored`);
    return v;
  };
  const bytesOf = (b: Buffer) => new Uint8Array(b); // a copy: the result outlives the file's buffer

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) throw new PickleError('an unknown pickle protocol');
        break;
      case 0x95: // FRAME (a hint only)
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new PyDict();
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        listAt(top()).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = listAt(top());
        for (const v of items) list.push(v);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        dictAt(top()).set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const d = dictAt(top());
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement
        const n = u8();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        stack.push(buf.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x55: // SHORT_BINSTRING (Python 2 str: bytes)
        stack.push(bytesOf(take(u8())));
        break;
      case 0x54: // BINSTRING
        stack.push(bytesOf(take(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytesOf(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(bytesOf(take(u32())));
        break;
      case 0x8e: // BINBYTES8
        stack.push(bytesOf(take(u64())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(take(u8()).toString('utf8'));
        break;
      case 0x58: // BINUNICODE
        stack.push(take(u32()).toString('utf8'));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(take(u64()).toString('utf8'));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(globalFor(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw new PickleError('a STACK_GLOBAL without names');
        stack.push(globalFor(module, name));
        break;
      }
      case 0x52: {
        // REDUCE: only numpy's constructors, which make empty objects that BUILD fills in
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      default:
        throw new PickleError(
          `pickle opcode 0x${op.toString(16)} at byte ${pos - 1} is not one a dataset file uses; refused`,
        );
    }
  }
}

function globalFor(module: string, name: string): PyGlobal {
  const allowed = ALLOWED_GLOBALS[`${module} ${name}`];
  if (!allowed)
    throw new PickleError(
      `refusing ${module}.${name}: a dataset file only needs numpy's arrays (the file may be damaged or malicious)`,
    );
  return new PyGlobal(allowed);
}

function listAt(v: PyValue): PyValue[] {
  if (!Array.isArray(v)) throw new PickleError('APPEND on something that is not a list');
  return v;
}

function dictAt(v: PyValue): PyDict {
  if (!(v instanceof PyDict)) throw new PickleError('SETITEM on something that is not a dict');
  return v;
}

function reduce(fn: PyValue, args: PyValue): PyValue {
  if (!(fn instanceof PyGlobal) || !(args instanceof PyTuple))
    throw new PickleError('REDUCE of something that is not a numpy constructor');
  if (fn.name === '_reconstruct') return new NdArray();
  if (fn.name === 'dtype') {
    const code = args.items[0];
    const text =
      typeof code === 'string' ? code : code instanceof Uint8Array ? Buffer.from(code).toString('latin1') : undefined;
    if (!text) throw new PickleError('numpy.dtype without a type code');
    return new PyDtype(text);
  }
  throw new PickleError('numpy.ndarray called directly; only _reconstruct is expected');
}

/** numpy's __setstate__: an array's (version, shape, dtype, fortran, data); a dtype's (version, byteorder, …). */
function build(target: PyValue, state: PyValue): void {
  if (!(state instanceof PyTuple)) throw new PickleError('BUILD with a state that is not a tuple');
  const s = state.items;
  if (target instanceof PyDtype) {
    const order = s[1];
    target.byteOrder =
      typeof order === 'string' ? order : order instanceof Uint8Array ? Buffer.from(order).toString('latin1') : '|';
    return;
  }
  if (target instanceof NdArray) {
    const [shape, dtype, fortran, data] = s.length === 5 ? s.slice(1) : s;
    if (!(shape instanceof PyTuple) || !(dtype instanceof PyDtype))
      throw new PickleError('a numpy array without shape or dtype');
    target.shape = shape.items.map((d) => {
      if (typeof d !== 'number' || d < 0) throw new PickleError('a numpy array with a bad shape');
      return d;
    });
    target.dtype = dtype;
    target.fortranOrder = fortran === true || fortran === 1;
    if (data instanceof Uint8Array || Array.isArray(data)) target.data = data;
    else if (typeof data === 'string')
      target.data = Buffer.from(data, 'latin1'); // Python 2 str decoded as latin1
    else throw new PickleError('a numpy array without data');
    return;
  }
  throw new PickleError('BUILD of something that is not a numpy array or dtype');
}
