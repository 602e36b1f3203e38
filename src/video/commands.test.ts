import { describe, expect, it } from "vitest";
import { asShellCommand, codeFromScreen, codeFromSpeech, dedupeCode, languageOf } from "./commands.js";

describe("commands", () => {
  it("recognises shell commands with or without a prompt", () => {
    expect(asShellCommand("$ kubectl get pods -n shop")).toBe("kubectl get pods -n shop");
    expect(asShellCommand("dev@box:~/app$ docker compose up -d")).toBe("docker compose up -d");
    expect(asShellCommand("Welcome to the tutorial")).toBeUndefined();
    expect(asShellCommand("kubectl")).toBeUndefined();
  });

  it("tags languages", () => {
    expect(languageOf("kubectl apply -f k.yaml\nkubectl get pods")).toBe("bash");
    expect(languageOf("apiVersion: v1\nkind: Service\nmetadata:\n  name: web")).toBe("yaml");
    expect(languageOf('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}')).toBe("hcl");
    expect(languageOf("FROM node:20\nRUN npm ci")).toBe("dockerfile");
    expect(languageOf('{\n  "a": 1\n}')).toBe("json");
  });

  it("finds commands and code blocks on screen", () => {
    const blocks = codeFromScreen({
      start: 4,
      end: 8,
      text: "Deploy\n$ helm install web ./chart\nkind: Deployment\nmetadata:\n  name: web",
    });
    expect(blocks.map((b) => [b.language, b.code])).toEqual([
      ["bash", "helm install web ./chart"],
      ["yaml", "Deploy\nkind: Deployment\nmetadata:\n  name: web"],
    ]);
  });

  it("finds spoken commands and stops at the words that end them", () => {
    const got = codeFromSpeech(
      { start: 2, end: 4, text: "Now run kubectl get pods to list them, and then git push." },
      "speech",
    );
    expect(got.map((b) => b.code)).toEqual(["kubectl get pods", "git push"]);
  });

  it("keeps one of each command, preferring what was on screen", () => {
    const out = dedupeCode([
      { at: 1, language: "bash", code: "kubectl get pods", source: "speech" },
      { at: 3, language: "bash", code: "kubectl  get pods", source: "ocr" },
      { at: 5, language: "bash", code: "docker compose up -d", source: "ocr" },
    ]);
    expect(out.map((b) => [b.at, b.source])).toEqual([
      [3, "ocr"],
      [5, "ocr"],
    ]);
  });
});
