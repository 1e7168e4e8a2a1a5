import { randomUUID } from "node:crypto";

/** Logged-in browsers by session token. The TTL is read at check time, so a test can expire live sessions. */
export interface SessionStore {
  create(): string;
  isActive(token: string | undefined, ttlMs: number): boolean;
  end(token: string | undefined): void;
  /** Logs every browser out, as a real portal does when the account's credentials change. */
  endAll(): void;
}

export function createSessionStore(now: () => number = Date.now): SessionStore {
  const startedAt = new Map<string, number>();
  return {
    create() {
      const token = randomUUID();
      startedAt.set(token, now());
      return token;
    },
    isActive(token, ttlMs) {
      if (token === undefined) return false;
      const started = startedAt.get(token);
      if (started === undefined) return false;
      if (now() - started < ttlMs) return true;
      startedAt.delete(token);
      return false;
    },
    end(token) {
      if (token !== undefined) startedAt.delete(token);
    },
    endAll() {
      startedAt.clear();
    },
  };
}
