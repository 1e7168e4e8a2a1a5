import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import type { Sql } from "postgres";

const tracer = () => trace.getTracer("crm-sync");

// Calls that send a query: the span starts at the first of them (a query built but never sent,
// e.g. a fragment inside another, gets none).
const SENDS = new Set<PropertyKey>(["then", "catch", "finally", "execute", "cursor", "forEach", "writable", "readable"]);
// Calls that hand out another `sql` (a connection, a transaction, a savepoint) to be traced alike.
const HANDS_OUT_SQL = new Set<PropertyKey>(["reserve", "begin", "savepoint"]);

function isTemplate(value: unknown): value is TemplateStringsArray {
  return Array.isArray(value) && "raw" in value;
}

/**
 * What a statement does, from its leading keyword and the first table it names: `SELECT
 * crm_sync.runs`. Read from text without values only (a template's static parts, or an unsafe
 * statement whose text is not kept).
 */
export function describeStatement(text: string): { operation: string; collection?: string } {
  const bare = text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, " ").trim();
  const operation = (/^[a-z]+/i.exec(bare)?.[0] ?? "SQL").toUpperCase();
  const collection = /\b(?:from|into|update|join|table)\s+((?:"?[a-z_][\w$]*"?\.)?"?[a-z_][\w$]*"?)/i.exec(bare)?.[1]?.replaceAll('"', "");
  return collection === undefined ? { operation } : { operation, collection };
}

function spanFor(text: string, keepText: boolean): { name: string; attributes: Attributes } {
  const { operation, collection } = describeStatement(text);
  return {
    name: collection === undefined ? operation : `${operation} ${collection}`,
    attributes: {
      "db.system.name": "postgresql",
      "db.operation.name": operation,
      ...(collection === undefined ? {} : { "db.collection.name": collection }),
      // A template's text holds placeholders, never values; an unsafe statement may hold literals.
      ...(keepText ? { "db.query.text": text.replace(/\s+/g, " ").trim().slice(0, 2_000) } : {}),
    },
  };
}

function finish(span: Span, error?: unknown): void {
  if (error !== undefined) {
    // The SQLSTATE only: a server error's message and detail quote keys and values.
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") span.setAttribute("db.response.status_code", code);
    span.setAttribute("error.type", typeof code === "string" ? code : error instanceof Error ? error.name : "Error");
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function tracedQuery<Q extends object>(query: Q, described: { name: string; attributes: Attributes }): Q {
  let span: Span | undefined;
  const start = () => {
    if (span !== undefined) return;
    span = tracer().startSpan(described.name, { kind: SpanKind.CLIENT, attributes: described.attributes }, context.active());
    const started = span;
    // Promise's own `then`, which only observes: postgres.js's would send the query again.
    Promise.prototype.then.call(query, () => finish(started), (error: unknown) => finish(started, error));
  };
  const proxy: Q = new Proxy(query, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (SENDS.has(property)) start();
        const result: unknown = Reflect.apply(value, target, args);
        // Modifiers (`.values()`, `.execute()`) return the query itself: keep handing out the proxy.
        return result === target ? proxy : result;
      };
    },
  });
  return proxy;
}

/**
 * `sql` with a CLIENT span around every statement it sends, in the active trace: named by
 * operation and table, with the statement's text when it holds no values (tagged templates), and
 * never parameters or row data. postgres.js has no OpenTelemetry instrumentation, so this wraps it.
 */
export function traceSql<S extends Sql>(sql: S): S {
  const wrapSqlArgs = (args: unknown[]) => args.map((arg) => (typeof arg === "function" ? (inner: Sql, ...rest: unknown[]) => (arg as (...a: unknown[]) => unknown)(traceSql(inner), ...rest) : arg));
  return new Proxy(sql, {
    apply(target, thisArg, args: unknown[]) {
      const result: unknown = Reflect.apply(target, thisArg, args);
      // `sql(identifier)` and `sql(rows)` build fragments; only a tagged template is a statement.
      if (!isTemplate(args[0]) || typeof result !== "object" || result === null) return result;
      return tracedQuery(result, spanFor(args[0].join("?"), true));
    },
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "unsafe") {
        return (text: string, ...rest: unknown[]) => tracedQuery((value as (...a: unknown[]) => object).call(target, text, ...rest), spanFor(text, false));
      }
      if (HANDS_OUT_SQL.has(property)) {
        return async (...args: unknown[]) => {
          const result: unknown = await Reflect.apply(value, target, wrapSqlArgs(args));
          return property === "reserve" ? traceSql(result as Sql) : result;
        };
      }
      return value.bind(target);
    },
  });
}
