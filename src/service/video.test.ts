import { describe, expect, it } from "vitest";
import { checkPublicUrl } from "./video.js";

const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe("checkPublicUrl: a server fetches only public hosts", () => {
  it("lets public addresses through", async () => {
    await expect(
      checkPublicUrl("https://videos.example.com/a.mp4", resolvesTo("93.184.216.34")),
    ).resolves.toBe(undefined);
    await expect(checkPublicUrl("https://[2606:4700::1111]/a.mp4")).resolves.toBe(undefined);
  });

  it.each([
    ["http://127.0.0.1:8080/v", undefined],
    ["http://localhost/v", "127.0.0.1"],
    ["http://internal.example/v", "10.1.2.3"],
    ["http://metadata.example/v", "169.254.169.254"],
    ["http://nat.example/v", "100.64.0.9"],
    ["http://router.example/v", "192.168.1.1"],
    ["http://[::1]/v", undefined],
    ["http://[fe80::1]/v", undefined],
    ["http://ula.example/v", "fd00::5"],
    ["http://mapped.example/v", "::ffff:10.0.0.1"],
    ["http://0.0.0.0/v", undefined],
  ])("refuses %s (%s)", async (url, address) => {
    const error = await checkPublicUrl(url, resolvesTo(address ?? "")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("private network") });
  });

  it("refuses when any of the host's addresses is private (one public answer is not enough)", async () => {
    const error = await checkPublicUrl(
      "http://mixed.example/v",
      resolvesTo("93.184.216.34", "10.0.0.1"),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FORBIDDEN", details: { address: "10.0.0.1" } });
  });

  it("says when a host does not resolve", async () => {
    const error = await checkPublicUrl("http://nowhere.invalid/v", resolvesTo()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "VIDEO_FETCH" });
  });
});
