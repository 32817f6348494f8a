// The JavaScript half of src/wasm_tape.rs: token options and request bodies cross
// the wasm boundary as one compact binary tape, written here in one call, instead
// of one call per field. wasm-bindgen copies this file next to its glue
// (snippets/) and src/wasm.rs imports `encode` from it. Format: see
// src/wasm_tape.rs.

const UNDEF = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const NUM = 4;
const STR = 5;
const ARR = 6;
const OBJ = 7;
const BYTES = 8;
const INVALID = 9;
const END = 10;

/** Nesting deeper than this is refused (a cycle would otherwise never end). */
const MAX_DEPTH = 64;

const encoder = new TextEncoder();

// One buffer reused by every call: the glue copies the tape into wasm memory
// before anything else can run.
let buf = new Uint8Array(1024);
let view = new DataView(buf.buffer);
let pos = 0;

function reserve(n) {
  if (pos + n <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, pos));
  buf = next;
  view = new DataView(buf.buffer);
}

function putLen(n) {
  view.setUint32(pos, n, true);
  pos += 4;
}

function putStr(tag, s) {
  const n = s.length;
  reserve(5 + n * 3);
  buf[pos] = tag;
  const start = pos + 5;
  let i = 0;
  // ASCII fast path; the rest through TextEncoder.
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) break;
    buf[start + i] = c;
  }
  let len = i;
  if (i < n) {
    len += encoder.encodeInto(s.slice(i), buf.subarray(start + i)).written;
  }
  view.setUint32(pos + 1, len, true);
  pos = start + len;
}

function putValue(v, depth) {
  switch (typeof v) {
    case "string":
      putStr(STR, v);
      return;
    case "boolean":
      reserve(1);
      buf[pos++] = v ? TRUE : FALSE;
      return;
    case "number":
      reserve(9);
      buf[pos] = NUM;
      view.setFloat64(pos + 1, v, true);
      pos += 9;
      return;
    case "undefined":
      reserve(1);
      buf[pos++] = UNDEF;
      return;
    case "object":
      if (v === null) {
        reserve(1);
        buf[pos++] = NULL;
        return;
      }
      if (depth >= MAX_DEPTH) {
        putStr(INVALID, "a value nested too deeply (or a cycle)");
        return;
      }
      if (Array.isArray(v)) {
        reserve(1);
        buf[pos++] = ARR;
        for (let i = 0; i < v.length; i++) putValue(v[i], depth + 1);
        reserve(1);
        buf[pos++] = END;
        return;
      }
      if (v instanceof Uint8Array) {
        reserve(5 + v.length);
        buf[pos] = BYTES;
        pos += 1;
        putLen(v.length);
        buf.set(v, pos);
        pos += v.length;
        return;
      }
      if (v instanceof Date || v instanceof Map || v instanceof Set || ArrayBuffer.isView(v)) {
        putStr(INVALID, `a ${v.constructor.name}`);
        return;
      }
      reserve(1);
      buf[pos++] = OBJ;
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        const item = v[key];
        // An entry holding `undefined` is an absent entry.
        if (item === undefined) continue;
        putStr(STR, key);
        putValue(item, depth + 1);
      }
      reserve(1);
      buf[pos++] = END;
      return;
    default:
      // bigint, symbol, function
      putStr(INVALID, `a ${typeof v}`);
  }
}

/**
 * Writes `value` as a tape. The returned view is only valid until the next call.
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function encode(value) {
  pos = 0;
  putValue(value, 0);
  return buf.subarray(0, pos);
}
