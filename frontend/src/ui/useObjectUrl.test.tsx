import { renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useObjectUrl } from "./useObjectUrl";

describe("useObjectUrl", () => {
  const createObjectURL = vi.fn((blob: Blob) => `blob:${blob.size}`);
  const revokeObjectURL = vi.fn();

  afterEach(() => {
    Reflect.deleteProperty(URL, "createObjectURL");
    Reflect.deleteProperty(URL, "revokeObjectURL");
  });

  it("makes one URL per blob and revokes it when the blob changes or the component goes", () => {
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const first = new Blob(["a"]);
    const second = new Blob(["bc"]);
    const { result, rerender, unmount } = renderHook(({ blob }: { blob: Blob | null }) => useObjectUrl(blob), {
      initialProps: { blob: first as Blob | null },
    });
    expect(result.current).toBe("blob:1");
    rerender({ blob: second });
    expect(result.current).toBe("blob:2");
    expect(revokeObjectURL).toHaveBeenCalledWith("blob:1");
    rerender({ blob: null });
    expect(result.current).toBeNull();
    expect(revokeObjectURL).toHaveBeenCalledWith("blob:2");
    unmount();
    expect(createObjectURL).toHaveBeenCalledTimes(2);
  });

  it("is null where there are no object URLs", () => {
    Object.assign(URL, { createObjectURL: undefined });
    const { result } = renderHook(() => useObjectUrl(new Blob(["a"])));
    expect(result.current).toBeNull();
  });
});
