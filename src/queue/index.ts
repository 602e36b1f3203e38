export { jobRequestOf, type RunJobContext, runJob } from "./run.js";
export { type JobCaller, type SubmittedJob, secretInClear, submitApply } from "./submit.js";
export {
  type DrainReport,
  type JobResult,
  QueueWorker,
  type QueueWorkerHooks,
  type QueueWorkerOptions,
  type RunJob,
} from "./worker.js";
