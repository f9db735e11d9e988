/**
 * Synchronous, streaming line reader. Synchronous because the simulator's
 * event loop pulls arrivals one at a time from an Iterable; streaming (1 MiB
 * chunks) because traces can be larger than we want in memory. Strips a UTF-8
 * BOM and the CR of CRLF (the Azure LLM and ServeGen files use CRLF), and
 * copes with a missing final newline.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface Line {
  text: string;
  /** 1-based. */
  line: number;
}

const CHUNK_BYTES = 1 << 20;

export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let line = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      const text = n === 0 ? decoder.end() : decoder.write(buf.subarray(0, n));
      let chunk = rest + text;
      if (line === 0 && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
        line++;
        yield { text: trimCr(chunk.slice(start, nl)), line };
        start = nl + 1;
      }
      rest = chunk.slice(start);
      if (n === 0) break;
    }
    if (rest !== '') yield { text: trimCr(rest), line: line + 1 };
  } finally {
    closeSync(fd);
  }
}

/** The first line of a file (for format detection), without reading the rest. */
export function firstLine(path: string): Line | undefined {
  for (const l of readLines(path)) {
    if (l.text.trim() !== '') return l;
  }
  return undefined;
}

function trimCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
