export { destroyRequestOf, jobRequestOf, type RunJobContext, rollbackRequestOf, runJob } from "./run.js";
export {
  type ChangeReplay,
  type JobCaller,
  type SubmittedJob,
  secretInClear,
  submitApply,
  submitChange,
} from "./submit.js";
export {
  type DrainReport,
  type JobResult,
  QueueWorker,
  type QueueWorkerHooks,
  type QueueWorkerOptions,
  type RunJob,
} from "./worker.js";
