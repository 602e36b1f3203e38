import { describe, expect, it } from "vitest";
import { block, call, expr, HclError, printBlock, printFile, quote } from "./hcl.js";
import { terraformBinary, terraformFmtCheck } from "./test-io.js";

describe("quote", () => {
  it("escapes quotes, backslashes, newlines and control characters", () => {
    expect(quote('say "hi"\\now\n\ttab\r\u0001')).toBe('"say \\"hi\\"\\\\now\\n\\ttab\\r\\u0001"');
  });

  it("doubles template openers so they stay literal", () => {
    expect(quote(`\${var.x} and %{if} and $5 and 100%`)).toBe(`"$\${var.x} and %%{if} and $5 and 100%"`);
    expect(quote(`$\${x}`)).toBe(`"$$\${x}"`);
  });
});

describe("printBlock", () => {
  it("aligns = within a run of single-line attributes and breaks the run at multi-line values", () => {
    const text = printBlock({
      blockType: "resource",
      labels: ["aws_db_instance", "postgres"],
      body: {
        engine: "postgres",
        allocated_storage: 50,
        multi_az: true,
        tags: { Name: "db", "kubernetes.io/role": "x" },
        skipped: undefined,
        subnet_ids: expr("aws_subnet.private[*].id"),
        empty: {},
        list: ["a", 1, null],
      },
    });
    expect(text).toBe(
      [
        'resource "aws_db_instance" "postgres" {',
        '  engine            = "postgres"',
        "  allocated_storage = 50",
        "  multi_az          = true",
        "  tags = {",
        '    Name                 = "db"',
        '    "kubernetes.io/role" = "x"',
        "  }",
        "  subnet_ids = aws_subnet.private[*].id",
        "  empty      = {}",
        '  list       = ["a", 1, null]',
        "}",
      ].join("\n"),
    );
  });

  it("prints nested blocks apart from object attributes, repeated blocks and empty blocks", () => {
    const text = printBlock({
      blockType: "provider",
      labels: ["azurerm"],
      body: {
        features: block({}),
        subscription_id: expr("var.subscription_id"),
        ingress: [
          block({ from_port: 443, to_port: 443 }),
          block({ from_port: 80, to_port: 80 }, { comment: ["plain"] }),
        ],
        settings: block({ tier: "db-custom-2-7680" }, { labels: ["x"] }),
      },
    });
    expect(text).toBe(
      [
        'provider "azurerm" {',
        "  features {}",
        "",
        "  subscription_id = var.subscription_id",
        "",
        "  ingress {",
        "    from_port = 443",
        "    to_port   = 443",
        "  }",
        "",
        "  # plain",
        "  ingress {",
        "    from_port = 80",
        "    to_port   = 80",
        "  }",
        "",
        '  settings "x" {',
        '    tier = "db-custom-2-7680"',
        "  }",
        "}",
      ].join("\n"),
    );
  });

  it("prints calls with a multi-line last argument and lists of objects", () => {
    const text = printBlock({
      blockType: "resource",
      labels: ["aws_ecs_task_definition", "web"],
      body: {
        container_definitions: call("jsonencode", [{ name: "web", portMappings: [{ containerPort: 80 }] }]),
        tags: call("merge", expr("local.tags"), { Name: "web" }),
        short: call("cidrsubnet", expr("var.cidr"), 8, 1),
      },
    });
    expect(text).toBe(
      [
        'resource "aws_ecs_task_definition" "web" {',
        "  container_definitions = jsonencode([",
        "    {",
        '      name = "web"',
        "      portMappings = [",
        "        {",
        "          containerPort = 80",
        "        },",
        "      ]",
        "    },",
        "  ])",
        "  tags = merge(local.tags, {",
        '    Name = "web"',
        "  })",
        "  short = cidrsubnet(var.cidr, 8, 1)",
        "}",
      ].join("\n"),
    );
  });

  it("refuses what HCL cannot hold", () => {
    const bad = (body: Record<string, unknown>) => () =>
      printBlock({ blockType: "locals", labels: [], body: body as Record<string, never> });
    expect(bad({ "bad key": 1 })).toThrow(HclError);
    expect(bad({ x: Number.NaN })).toThrow(/NaN/);
    expect(bad({ x: { y: block({}) } })).toThrow(/inside an object/);
    expect(bad({ x: expr("a\nb") })).toThrow(/one non-empty line/);
    expect(bad({ x: call("f", { a: 1 }, 2) })).toThrow(/last argument/);
  });
});

describe("printFile", () => {
  it("separates blocks by one blank line, puts the header first and ends with a newline", () => {
    const text = printFile(
      [
        { blockType: "locals", labels: [], body: { a: 1 } },
        { blockType: "resource", labels: ["terraform_data", "x"], body: {}, comment: ["why"] },
      ],
      ["generated"],
    );
    expect(text).toBe('# generated\n\nlocals {\n  a = 1\n}\n\n# why\nresource "terraform_data" "x" {}\n');
  });

  it.skipIf(!terraformBinary)(
    "writes text that terraform fmt accepts unchanged (needs terraform)",
    async () => {
      const text = printFile([
        {
          blockType: "resource",
          labels: ["terraform_data", "demo"],
          body: {
            input: {
              name: `a \${literal} %{x} "quoted"`,
              n: 1.5,
              nested: { list: [{ a: 1 }, { bb: [] }], call: call("merge", { x: 1 }) },
            },
            triggers_replace: [expr("var.image"), "16"],
            lifecycle: block({ ignore_changes: [expr("input")] }),
          },
        },
      ]);
      const result = await terraformFmtCheck({ "main.tf": text });
      expect(result.diff).toBe("");
      expect(result.code).toBe(0);
    },
  );
});
