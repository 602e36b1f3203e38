/** GitOps: each applied revision written to a Git repository, and specs read from one (`codeploy sync`). */
export { createGit, type Git, type GitOptions } from "./git.js";
export {
  type GitCredentials,
  type RepoLocation,
  redactUrl,
  repoLocation,
  workingCopyPath,
} from "./location.js";
export { type Checkout, readSpecs, type SpecFile } from "./reader.js";
export {
  commitMessage,
  type PublishedFile,
  publishable,
  type RevisionRecord,
  recordFiles,
  redactedValues,
} from "./record.js";
export { gitopsTarget, type RepoAccess, repoAccess } from "./settings.js";
export { checkRef, type GitopsTarget, repushHint, type WrittenRevision, writeRevision } from "./writer.js";
