import { describe, expect, it } from "vitest";
import { UnsafeBlobNameError } from "./blob-errors.ts";
import { assertSafeBlobName, assertSafeBucketName, assertSafePrefix, isExportObjectName } from "./blob-name.ts";

describe("blob names", () => {
  it("accepts the names the pipeline writes", () => {
    for (const name of ["exports/customers/2026/11/26/run-1.csv", "artifacts/run 1/trace.zip", "Customer Management.csv"]) {
      expect(() => assertSafeBlobName(name)).not.toThrow();
    }
  });

  it.each(["..", "a/../b", "exports/..hidden", "/abs", "a\\b", "", "a//b", "./a", "a/./b", "a/.", "dir/", "a\u0000b", "x".repeat(1025)])(
    "refuses %j",
    (name) => {
      expect(() => assertSafeBlobName(name)).toThrow(UnsafeBlobNameError);
    },
  );

  it("allows an empty prefix and a folder prefix, but not an escaping one", () => {
    expect(() => assertSafePrefix("")).not.toThrow();
    expect(() => assertSafePrefix("exports/")).not.toThrow();
    expect(() => assertSafePrefix("exports/2026-")).not.toThrow();
    expect(() => assertSafePrefix("../")).toThrow(UnsafeBlobNameError);
    expect(() => assertSafePrefix("/exports")).toThrow(UnsafeBlobNameError);
  });

  it("accepts GCS-style bucket names only", () => {
    expect(() => assertSafeBucketName("crm-exports")).not.toThrow();
    for (const bucket of ["..", "Upper", "a", "crm/exports", ".blob-meta"]) {
      expect(() => assertSafeBucketName(bucket)).toThrow(UnsafeBlobNameError);
    }
  });
});

describe("isExportObjectName", () => {
  it("accepts only safe CSV names under exports/", () => {
    expect(isExportObjectName("exports/customers/2026/11/27/run-1.csv")).toBe(true);
    for (const name of ["artifacts/run-1/1/page.csv", "exports/%2e%2e/a.csv", "exports/../secrets.csv", "/exports/a.csv", "exports/a.txt", "exports\\a.csv", "exports/./a.csv", ""]) {
      expect(isExportObjectName(name), name).toBe(false);
    }
  });
});
