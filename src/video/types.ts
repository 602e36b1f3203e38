/** Shared shapes of the video pipeline: timed text, chapters, the document. */

/** A piece of timed text (caption cue, recognised utterance, OCR frame), in seconds. */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Chapter {
  readonly title: string;
  readonly start: number;
  readonly end: number;
}

export type ChapterSource = "file" | "scenes";

export interface DocChapter extends Chapter {
  readonly sentences: readonly string[];
}

export interface DocStep {
  readonly n: number;
  readonly at: number;
  readonly text: string;
}

export type CodeSource = "ocr" | "speech" | "captions";

export interface CodeBlock {
  readonly at: number;
  readonly language: string;
  readonly code: string;
  readonly source: CodeSource;
}

export type EngineName = "captions" | "openai" | "pocketsphinx";

export interface VideoDocument {
  readonly title: string;
  readonly source: string;
  readonly durationSeconds: number;
  readonly language: string;
  readonly engine: EngineName | "none";
  readonly chapterSource: ChapterSource;
  readonly summary: string;
  readonly chapters: readonly DocChapter[];
  readonly steps: readonly DocStep[];
  readonly commands: readonly CodeBlock[];
  readonly links: readonly string[];
  readonly transcript: readonly Segment[];
}

export type VideoStage = "fetch" | "probe" | "transcribe" | "keyframes" | "ocr" | "document" | "polish";

/** Progress of a run, consumed by the CLI (TTY lines) and anything else that listens. */
export type VideoEvent =
  | { readonly type: "stage-start"; readonly stage: VideoStage; readonly detail?: string }
  | {
      readonly type: "stage-done";
      readonly stage: VideoStage;
      readonly cached: boolean;
      readonly detail?: string;
    }
  | { readonly type: "progress"; readonly stage: VideoStage; readonly done: number; readonly total: number };
