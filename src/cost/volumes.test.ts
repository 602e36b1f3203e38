import { describe, expect, it } from "vitest";
import { validateSpec } from "../spec/validate.js";
import { estimateCost } from "./estimate.js";

const spec = (cloud: string, target = "terraform", sizeGb = 20) =>
  validateSpec({
    name: "shop",
    target,
    cloud,
    services: [
      {
        name: "web",
        image: "nginx:1.27",
        port: 80,
        volumes: [
          { name: "data", path: "/data", sizeGb },
          { name: "cache", path: "/cache" },
        ],
      },
    ],
  });

const volumeLines = (cloud: string, target?: string, sizeGb?: number) =>
  estimateCost(spec(cloud, target, sizeGb)).items.filter((i) => i.description.startsWith("volume "));

describe("volumes in the cost estimate", () => {
  it("prices EFS, Filestore (1 TiB minimum) and Azure Files per volume at its size", () => {
    const aws = volumeLines("aws");
    expect(aws.map((i) => [i.quantity, i.priceId])).toEqual([
      [20, "aws:us-east-1:efs-standard"],
      [1, "aws:us-east-1:efs-standard"],
    ]);
    expect(aws[0]?.monthlyUsd).toBe(6);
    const gcp = volumeLines("gcp");
    expect(gcp.map((i) => i.quantity)).toEqual([1024, 1024]);
    expect(gcp[0]?.monthlyUsd).toBeCloseTo(204.8, 2);
    expect(volumeLines("gcp", "terraform", 2048)[0]?.quantity).toBe(2048);
    expect(volumeLines("azure").map((i) => i.priceId)).toEqual([
      "azure:eastus:files-standard-lrs",
      "azure:eastus:files-standard-lrs",
    ]);
  });

  it("prices a claim as the cluster's block storage on kubernetes, and adds to the total", () => {
    expect(volumeLines("aws", "kubernetes").map((i) => i.priceId)).toEqual([
      "aws:us-east-1:ebs-gp3",
      "aws:us-east-1:ebs-gp3",
    ]);
    const without = validateSpec({
      ...spec("azure"),
      services: [{ ...spec("azure").services[0], volumes: [] }],
    });
    const withVolumes = estimateCost(spec("azure"));
    expect(withVolumes.monthlyUsd).toBeGreaterThan(estimateCost(without).monthlyUsd);
    expect(withVolumes.assumptions.some((a) => a.startsWith("volumes:"))).toBe(true);
  });

  it("costs nothing on docker", () => {
    expect(estimateCost(spec("local", "docker")).monthlyUsd).toBe(0);
  });
});
