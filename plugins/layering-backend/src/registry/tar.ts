/**
 * Finds one regular file in an uncompressed tar archive (ustar, with pax and
 * GNU long names). Enough to read `release-manifests/image-references` from a
 * release payload layer without unpacking it.
 *
 * @param wanted - path inside the archive, compared without a leading `./` or `/`
 * @returns the file's content, or undefined when the archive does not hold it
 */
export function findTarEntry(
  archive: Buffer,
  wanted: string,
): Buffer | undefined {
  const normalize = (p: string) => p.replace(/^\.?\/+/, '');
  const target = normalize(wanted);
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every(b => b === 0)) break;
    const field = (start: number, length: number) => {
      const raw = header.subarray(start, start + length);
      const end = raw.indexOf(0);
      return raw.subarray(0, end < 0 ? length : end).toString('utf8');
    };
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) return undefined;
    const type = String.fromCharCode(header[156] || 48); // NUL means a regular file
    const prefix = field(345, 155);
    let name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const dataStart = offset + 512;
    const data = archive.subarray(dataStart, dataStart + size);
    if (data.length < size) return undefined;
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
    } else if (type === 'x') {
      for (const record of data.toString('utf8').split('\n')) {
        const match = /^\d+ path=(.*)$/.exec(record);
        if (match) longName = match[1];
      }
    } else if ((type === '0' || type === '7') && normalize(name) === target) {
      return Buffer.from(data);
    }
    offset = dataStart + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
