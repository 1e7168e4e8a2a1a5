import { describe, expect, it } from "vitest";
import { classifyPortalFailure, type FailureFacts } from "./classify-failure.ts";

const timeout = { errorName: "TimeoutError", errorMessage: "locator.waitFor: Timeout 2000ms exceeded." };

function code(facts: FailureFacts) {
  return classifyPortalFailure(facts).code;
}

describe("classifyPortalFailure", () => {
  it("calls a rejected login an authentication failure, whatever the wait said", () => {
    expect(code({ step: "login", ...timeout, pageSettled: true, pageText: "Login\nInvalid username or password" })).toBe("PORTAL_AUTH_FAILED");
  });

  it("calls any other refused login an authentication failure unless the portal erred", () => {
    expect(code({ step: "login", errorName: "LoginRejected", errorMessage: "", pageSettled: true, pageText: "Account locked" })).toBe("PORTAL_AUTH_FAILED");
    expect(code({ step: "login", errorName: "LoginRejected", errorMessage: "", pageSettled: true, httpStatus: 502 })).toBe("PORTAL_UNAVAILABLE");
  });

  it("calls a 5xx answer or a maintenance page unavailable", () => {
    expect(code({ step: "open", ...timeout, pageSettled: true, httpStatus: 503 })).toBe("PORTAL_UNAVAILABLE");
    expect(code({ step: "customers", ...timeout, pageSettled: true, pageText: "Scheduled maintenance" })).toBe("PORTAL_UNAVAILABLE");
  });

  it("calls a network error unavailable", () => {
    const refused = { errorName: "Error", errorMessage: "page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/" };
    expect(code({ step: "open", ...refused, pageSettled: false })).toBe("PORTAL_UNAVAILABLE");
  });

  it("calls a settled page without the needed control a layout change", () => {
    expect(code({ step: "export", ...timeout, pageSettled: true, httpStatus: 200, pageText: "Customer Management\nDownload customers" })).toBe(
      "PORTAL_LAYOUT_CHANGED",
    );
    expect(code({ step: "login", ...timeout, pageSettled: true })).toBe("PORTAL_LAYOUT_CHANGED");
  });

  it("calls a page still loading at the deadline unavailable, not a layout change", () => {
    expect(code({ step: "customers", ...timeout, pageSettled: false, pageText: "Loading…" })).toBe("PORTAL_UNAVAILABLE");
  });

  it("calls a download that never came an export timeout", () => {
    expect(code({ step: "download", ...timeout, pageSettled: true })).toBe("EXPORT_TIMEOUT");
  });

  it("keeps anything else internal and its message free of page text", () => {
    const result = classifyPortalFailure({ step: "export", errorName: "Error", errorMessage: "Target crashed", pageSettled: true, pageText: "Somchai 0812345678" });
    expect(result.code).toBe("INTERNAL");
    expect(result.message).not.toContain("0812345678");
  });
});
