import { gzipSync } from 'node:zlib';

/** One file of an archive. */
export interface ArchiveFile {
  /** A relative path with `/` separators, at most 255 bytes. */
  readonly name: string;
  readonly content: string | Uint8Array;
}

const BLOCK = 512;

/**
 * Pure: the files as one gzip-compressed POSIX ustar archive (what `tar -xzf` reads), every
 * file mode 0644 with the given modification time. Written here rather than with a tar library:
 * kubeship only ever writes a handful of regular files it produced itself, which takes one
 * 512-byte header each (no links, devices, long-name extensions or streaming to handle), and
 * node's zlib does the compression.
 */
export function tarGzip(files: readonly ArchiveFile[], mtimeMs: number): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const content = typeof file.content === 'string' ? Buffer.from(file.content) : Buffer.from(file.content);
    parts.push(header(file.name, content.length, Math.floor(mtimeMs / 1000)), content);
    const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (padding > 0) parts.push(Buffer.alloc(padding));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(parts));
}

function header(path: string, size: number, mtime: number): Buffer {
  const { name, prefix } = splitPath(path);
  const block = Buffer.alloc(BLOCK);
  const put = (text: string, offset: number, length: number) => {
    block.write(text, offset, Math.min(length, Buffer.byteLength(text)), 'utf8');
  };
  const octal = (value: number, offset: number, length: number) =>
    put(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
  put(name, 0, 100);
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(mtime, 136, 12);
  block.fill(0x20, 148, 156); // the checksum field counts as spaces while summing
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(prefix, 345, 155);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

/** ustar keeps names of up to 100 bytes, and a directory prefix of up to 155 before them. */
function splitPath(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let cut = path.indexOf('/'); cut > 0; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`archive path too long for ustar: ${path}`);
}
