import { describe, expect, it } from "vitest";
import { buildDocument, type DocumentInput } from "./document.js";
import { renderMarkdown, timestamp } from "./markdown.js";
import type { ProbeInfo } from "./probe.js";

const probe = (over: Partial<ProbeInfo> = {}): ProbeInfo => ({
  durationSeconds: 30,
  chapters: [],
  subtitleTracks: [],
  hasAudio: true,
  hasVideo: true,
  ...over,
});

const input = (over: Partial<DocumentInput> = {}): DocumentInput => ({
  source: "/videos/deploy-the-shop.mp4",
  probe: probe(),
  engine: "captions",
  language: "en",
  transcript: [
    { start: 1, end: 4, text: "First, check the cluster with kubectl get nodes." },
    { start: 12, end: 15, text: "Then apply the manifests. Docs at https://example.com/k8s." },
    { start: 24, end: 27, text: "That is all for today." },
  ],
  frames: [
    { start: 0, end: 10, text: "$ kubectl get nodes" },
    {
      start: 10,
      end: 30,
      text: "kubectl apply -f k8s/\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop",
    },
  ],
  ...over,
});

describe("buildDocument", () => {
  it("cuts chapters at scene changes and pauses when the file has none", () => {
    const doc = buildDocument(input());
    expect(doc.chapterSource).toBe("scenes");
    expect(doc.title).toBe("deploy the shop");
    expect(doc.chapters.map((c) => [c.start, c.title])).toEqual([
      [0, "kubectl get nodes"],
      [10, "kubectl apply -f k8s/"],
      [24, "That is all for today"],
    ]);
    expect(doc.chapters[1]?.sentences).toEqual([
      "Then apply the manifests.",
      "Docs at https://example.com/k8s.",
    ]);
  });

  it("uses the file's own chapters when it has them", () => {
    const chapters = [
      { title: "Intro", start: 0, end: 11 },
      { title: "Apply", start: 11, end: 30 },
    ];
    const doc = buildDocument(input({ probe: probe({ chapters, title: "Shop on k8s" }) }));
    expect(doc.chapterSource).toBe("file");
    expect(doc.title).toBe("Shop on k8s");
    expect(doc.chapters.map((c) => c.title)).toEqual(["Intro", "Apply"]);
  });

  it("lists steps, deduplicated language-tagged commands and links", () => {
    const doc = buildDocument(input());
    expect(doc.steps.map((s) => [s.n, s.at, s.text])).toEqual([
      [1, 1, "First, check the cluster with kubectl get nodes."],
      [2, 12, "Then apply the manifests."],
    ]);
    expect(doc.commands.map((c) => [c.language, c.code, c.source])).toEqual([
      ["bash", "kubectl get nodes", "ocr"],
      ["bash", "kubectl apply -f k8s/", "ocr"],
      ["yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop", "ocr"],
    ]);
    expect(doc.links).toEqual(["https://example.com/k8s"]);
  });

  it("renders Markdown with contents, timestamps and fenced commands", () => {
    const md = renderMarkdown(buildDocument(input()));
    expect(md).toContain("# deploy the shop\n");
    expect(md).toContain("1. [00:00 kubectl get nodes](#0000-kubectl-get-nodes)");
    expect(md).toContain("## 00:10 kubectl apply -f k8s/\n");
    expect(md).toContain("```yaml\napiVersion: v1\nkind: Namespace");
    expect(md).toContain("- <https://example.com/k8s>");
    expect(timestamp(3725.9)).toBe("1:02:05");
  });
});
