/**
 * Reads files out of a local image through the Docker Engine API (Docker or
 * podman's service), offline: a container is created from the image (never
 * started, no network), each path is fetched with GET /containers/{id}/archive
 * (a tar of that file or folder; symbolic links such as /etc/os-release are
 * followed inside the image), and the container is removed. Only the package
 * databases are copied, not the image's whole filesystem.
 */
import { posix } from "node:path";
import type Docker from "dockerode";
import { extract } from "tar-stream";
import { CodeError } from "../../core/errors.js";
import { apiError, isNotFound } from "./errors.js";

export interface ImageFiles {
  /** The engine's image id (`sha256:...`). */
  readonly id: string;
  /** Absolute path in the image -> content, for the paths that exist (files under a folder too). */
  readonly files: ReadonlyMap<string, Buffer>;
}

export interface ReadImageFilesOptions {
  /** Bytes one file may have; a larger one is refused. @default 64 MiB */
  readonly maxFileBytes?: number;
  readonly signal?: AbortSignal;
}

/** Symbolic links followed per path (os-release -> ../usr/lib/os-release is one). */
const MAX_LINKS = 8;

async function readArchive(
  stream: NodeJS.ReadableStream,
  requested: string,
  maxBytes: number,
): Promise<{ files: Map<string, Buffer>; link: string | undefined }> {
  const files = new Map<string, Buffer>();
  let link: string | undefined;
  const base = posix.dirname(requested);
  const tar = extract();
  stream.pipe(tar);
  for await (const entry of tar) {
    const path = posix.join(base, entry.header.name);
    if (entry.header.type === "symlink" && path === requested) link = entry.header.linkname ?? undefined;
    if (entry.header.type === "file" && (entry.header.size ?? 0) > maxBytes)
      throw new CodeError("DOCKER_API", `${path} in the image is larger than ${maxBytes} bytes`, {
        hint: "a package database this large is unexpected: check the image",
      });
    const chunks: Buffer[] = [];
    for await (const chunk of entry) if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    if (entry.header.type === "file") files.set(path, Buffer.concat(chunks));
  }
  return { files, link };
}

async function readPath(
  container: Docker.Container,
  path: string,
  into: Map<string, Buffer>,
  maxBytes: number,
): Promise<void> {
  let current = path;
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await container.getArchive({ path: current });
    } catch (error) {
      if (isNotFound(error)) return;
      throw apiError(`reading ${current} from the image`, error);
    }
    const { files, link } = await readArchive(stream, current, maxBytes);
    for (const [p, text] of files) into.set(p === current ? path : p, text);
    if (link === undefined) return;
    current = posix.resolve(posix.dirname(current), link);
  }
}

/** The files at `paths` in a local image; SCAN_IMAGE_MISSING when the engine does not have it (scans never pull). */
export async function readImageFiles(
  docker: Docker,
  image: string,
  paths: readonly string[],
  options: ReadImageFilesOptions = {},
): Promise<ImageFiles> {
  let id: string;
  try {
    id = (await docker.getImage(image).inspect()).Id;
  } catch (error) {
    if (!isNotFound(error)) throw apiError(`inspecting the image ${image}`, error);
    throw new CodeError("SCAN_IMAGE_MISSING", `the image ${image} is not in the engine's local images`, {
      hint: `a scan reads local images only: pull or build it first (docker pull ${image}, podman pull ${image})`,
    });
  }
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: id,
      // Never started: the command only has to exist in the request (images without CMD need one).
      Cmd: ["/codeploy-scan-never-runs"],
      Entrypoint: [],
      NetworkDisabled: true,
      Labels: { "io.codeploy.purpose": "scan" },
      HostConfig: { NetworkMode: "none" },
    });
  } catch (error) {
    throw apiError(`creating a stopped container of ${image} to read its files`, error);
  }
  const files = new Map<string, Buffer>();
  try {
    for (const path of paths) {
      options.signal?.throwIfAborted();
      await readPath(container, path, files, options.maxFileBytes ?? 64 * 1024 * 1024);
    }
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
  return { id, files };
}
