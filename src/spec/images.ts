/** Image references as registries name them. */

/** `docker.io/library/nginx:1.27@sha256:...` -> `nginx`; registry hosts other than Docker Hub are kept. */
export function imageRepository(image: string): string {
  let ref = image.trim().toLowerCase();
  const at = ref.indexOf("@");
  if (at >= 0) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > slash) ref = ref.slice(0, colon);
  for (const prefix of ["docker.io/library/", "docker.io/", "index.docker.io/library/", "library/"])
    if (ref.startsWith(prefix)) return ref.slice(prefix.length);
  return ref;
}
