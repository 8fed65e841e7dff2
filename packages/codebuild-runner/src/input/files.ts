import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { KubeshipError } from '@kubeship/core/errors';

/** The largest config file kubeship reads. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
/** The largest template file kubeship reads (an object may have 1.5 MiB; a file holds several). */
export const MAX_TEMPLATE_FILE_BYTES = 8 * 1024 * 1024;

/**
 * The byte offset of the first byte sequence in `bytes` that is not UTF-8, or undefined when all
 * of it is. A U+FFFD that is really in the file (EF BF BD) is not a problem.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let consumed = 0;
  let bytePosition = 0;
  for (let index = text.indexOf('\uFFFD'); index !== -1; index = text.indexOf('\uFFFD', index + 1)) {
    bytePosition += Buffer.byteLength(text.slice(consumed, index), 'utf8');
    consumed = index + 1;
    const literal =
      bytes[bytePosition] === 0xef && bytes[bytePosition + 1] === 0xbf && bytes[bytePosition + 2] === 0xbd;
    if (!literal) return bytePosition;
    bytePosition += 3;
  }
  return undefined;
}

/**
 * Reads an input file as UTF-8 text, refusing (INVALID_INPUT naming the file) one larger than
 * `maxBytes` before reading it, and one with bytes that are not UTF-8, naming the byte offset and
 * line: they would otherwise reach the cluster as U+FFFD.
 */
export function readTextFile(
  file: string,
  options: { maxBytes: number; what: string; key?: string },
): string {
  const where = options.key ? `${options.key}: ` : '';
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `${where}cannot read the ${options.what} ${file}: ${(error as Error).message}`,
      {
        details: { file },
      },
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      throw new KubeshipError('INVALID_INPUT', `${where}the ${options.what} ${file} is not a regular file`, {
        details: { file },
      });
    if (stat.size > options.maxBytes) {
      throw new KubeshipError(
        'INVALID_INPUT',
        `${where}the ${options.what} ${file} has ${formatBytes(stat.size)}, more than the ${formatBytes(options.maxBytes)} kubeship reads`,
        { details: { file, bytes: stat.size, maxBytes: options.maxBytes } },
      );
    }
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const offset = invalidUtf8Offset(bytes.subarray(0, read));
    if (offset !== undefined) {
      const line = bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1;
      throw new KubeshipError(
        'INVALID_INPUT',
        `${where}the ${options.what} ${file} is not UTF-8: byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at offset ${offset} (line ${line}); save it as UTF-8`,
        { details: { file, offset, line } },
      );
    }
    return bytes.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** `1.5 MiB`, `812 KiB`, `96 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}
