/**
 * An OpenAI-compatible `/v1/audio/transcriptions` endpoint (OpenAI Whisper,
 * whisper.cpp server, faster-whisper-server), one request per audio chunk.
 */
import { readFile } from "node:fs/promises";
import { CodeError, upstreamHttpError } from "../core/errors.js";
import type { ChunkRecogniser, TimedWord } from "./speech.js";

export interface TranscriptionEndpoint {
  /** For example https://api.openai.com or http://127.0.0.1:8080 (the path is added). */
  readonly baseUrl: string;
  /** @default "whisper-1" */
  readonly model?: string;
  readonly apiKey?: string;
  readonly language?: string;
  readonly fetch?: typeof fetch;
}

interface VerboseJson {
  text?: string;
  words?: { word: string; start: number; end: number }[];
  segments?: { start: number; end: number; text: string }[];
}

/** Spreads a segment's words evenly over its time (servers without word timestamps). */
function spread(seg: { start: number; end: number; text: string }): TimedWord[] {
  const ws = seg.text.trim().split(/\s+/).filter(Boolean);
  const step = (seg.end - seg.start) / Math.max(1, ws.length);
  return ws.map((word, i) => ({ word, start: seg.start + i * step, end: seg.start + (i + 1) * step }));
}

export function parseTranscription(body: VerboseJson, offset: number, duration: number): TimedWord[] {
  const shift = (w: TimedWord): TimedWord => ({
    word: w.word.trim(),
    start: w.start + offset,
    end: w.end + offset,
  });
  if (body.words && body.words.length > 0) return body.words.map(shift);
  if (body.segments && body.segments.length > 0) return body.segments.flatMap(spread).map(shift);
  return spread({ start: 0, end: duration, text: body.text ?? "" }).map(shift);
}

function endpointUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return base.endsWith("/v1") ? `${base}/audio/transcriptions` : `${base}/v1/audio/transcriptions`;
}

export function openAiRecogniser(e: TranscriptionEndpoint, chunkSeconds: number): ChunkRecogniser {
  const doFetch = e.fetch ?? fetch;
  return async (wav, offset, signal) => {
    const form = new FormData();
    form.append("file", new Blob([await readFile(wav)], { type: "audio/wav" }), "chunk.wav");
    form.append("model", e.model ?? "whisper-1");
    form.append("response_format", "verbose_json");
    form.append("timestamp_granularities[]", "word");
    form.append("timestamp_granularities[]", "segment");
    if (e.language) form.append("language", e.language);
    const url = endpointUrl(e.baseUrl);
    let res: Response;
    try {
      res = await doFetch(url, {
        method: "POST",
        body: form,
        headers: e.apiKey ? { authorization: `Bearer ${e.apiKey}` } : {},
        ...(signal ? { signal } : {}),
      });
    } catch (cause) {
      throw new CodeError("VIDEO_TRANSCRIPTION", `cannot reach the transcription endpoint ${url}`, {
        cause,
        retryable: true,
        hint: "check video.transcription.baseUrl in codeploy.yaml and that the server runs",
      });
    }
    if (!res.ok) {
      // The body may echo the request; only the status goes into the message (no key, no audio).
      throw upstreamHttpError(
        "VIDEO_TRANSCRIPTION",
        res.status,
        `the transcription endpoint ${url} answered HTTP ${res.status}`,
        {
          hint:
            res.status === 401
              ? "check the API key (video.transcription.apiKeyEnv)"
              : "check the server's logs",
        },
      );
    }
    return parseTranscription((await res.json()) as VerboseJson, offset, chunkSeconds);
  };
}
