import { describe, expect, it } from "vitest";
import { cpuCores, memoryMiB } from "../../spec/quantity.js";
import { ident, ModuleBuilder, variableBlock, versionsBlock } from "./common.js";
import { printBlock } from "./hcl.js";

describe("quantities", () => {
  it("reads CPU as cores", () => {
    expect(cpuCores("500m")).toBe(0.5);
    expect(cpuCores("2")).toBe(2);
    expect(cpuCores("0.25")).toBe(0.25);
    expect(cpuCores(undefined)).toBeUndefined();
  });

  it("reads memory as MiB, rounding decimal units up", () => {
    expect(memoryMiB("512Mi")).toBe(512);
    expect(memoryMiB("4Gi")).toBe(4096);
    expect(memoryMiB("1.5Gi")).toBe(1536);
    expect(memoryMiB("1G")).toBe(954);
    expect(memoryMiB("1048576")).toBe(1);
    expect(memoryMiB(undefined)).toBeUndefined();
  });
});

describe("ident", () => {
  it("turns kebab-case names into Terraform identifiers that never start with a digit", () => {
    expect(ident("shop-web")).toBe("shop_web");
    expect(ident("3d-render")).toBe("c_3d_render");
  });
});

describe("versionsBlock", () => {
  it("pins terraform and the providers in name order", () => {
    expect(printBlock(versionsBlock(["random", "aws"]))).toBe(
      [
        "terraform {",
        '  required_version = ">= 1.6"',
        "",
        "  required_providers {",
        "    aws = {",
        '      source  = "hashicorp/aws"',
        '      version = "~> 5.0"',
        "    }",
        "    random = {",
        '      source  = "hashicorp/random"',
        '      version = "~> 3.6"',
        "    }",
        "  }",
        "}",
      ].join("\n"),
    );
    expect(printBlock(versionsBlock([]))).toBe('terraform {\n  required_version = ">= 1.6"\n}');
  });
});

describe("ModuleBuilder", () => {
  it("keeps the first of two variables with the same name", () => {
    const m = new ModuleBuilder();
    m.variable(variableBlock("size", { type: "string", description: "first", default: "a" }));
    m.variable(variableBlock("size", { type: "string", description: "second", default: "b" }));
    expect(m.variables).toHaveLength(1);
    expect(m.variables[0]?.body.description).toBe("first");
  });
});
