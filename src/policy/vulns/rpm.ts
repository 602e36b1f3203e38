/**
 * One installed package from an rpm database header (the blobs of
 * rpmdb.sqlite's Packages table): an index of (tag, type, offset, count)
 * entries followed by the data they point into, big-endian.
 */
import type { InstalledPackage } from "./inventory.js";

const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  license: 1014,
  arch: 1022,
  sourceRpm: 1044,
};
const STRING = 6;
const I18NSTRING = 9;
const INT32 = 4;

function readString(data: Buffer, offset: number): string {
  const end = data.indexOf(0, offset);
  return data.toString("utf8", offset, end < 0 ? data.length : end);
}

/** The tags CODE needs from one header; undefined for a blob that is not a header. */
export function parseRpmHeader(blob: Uint8Array, foundIn: string): InstalledPackage | undefined {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (b.length < 8) return undefined;
  const count = b.readUInt32BE(0);
  const size = b.readUInt32BE(4);
  const dataStart = 8 + count * 16;
  if (count > 100_000 || dataStart + size > b.length) return undefined;
  const data = b.subarray(dataStart, dataStart + size);
  const strings = new Map<number, string>();
  let epoch: number | undefined;
  for (let i = 0; i < count; i++) {
    const at = 8 + i * 16;
    const tag = b.readUInt32BE(at);
    const type = b.readUInt32BE(at + 4);
    const offset = b.readUInt32BE(at + 8);
    if (offset >= data.length) continue;
    if (type === STRING || type === I18NSTRING) strings.set(tag, readString(data, offset));
    else if (type === INT32 && tag === TAG.epoch && offset + 4 <= data.length)
      epoch = data.readUInt32BE(offset);
  }
  const name = strings.get(TAG.name);
  const version = strings.get(TAG.version);
  if (!name || !version || name === "gpg-pubkey") return undefined;
  const release = strings.get(TAG.release);
  const evr = `${epoch ? `${epoch}:` : ""}${version}${release ? `-${release}` : ""}`;
  // openssl-3.0.7-24.el9.src.rpm: the source package is the name before version and release.
  const source = /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(strings.get(TAG.sourceRpm) ?? "")?.[1] ?? name;
  const license = strings.get(TAG.license);
  return {
    type: "rpm",
    name,
    version: evr,
    arch: strings.get(TAG.arch),
    source,
    sourceVersion: evr,
    licenses: license ? [license] : [],
    foundIn,
  };
}
