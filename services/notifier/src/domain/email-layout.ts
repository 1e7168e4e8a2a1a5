import { encode } from "html-entities";
import type { Language } from "@crm-sync/messages";

/**
 * An email as sections of lines, rendered twice (plain text and HTML) from the same source so
 * the two bodies can never disagree. Every string is escaped on the way into HTML.
 */
export type Line = string | { label: string; url: string };

export interface Section {
  heading: string;
  /** The section's language, for screen readers and mail clients' fonts; absent: mixed. */
  lang?: Language;
  lines: Line[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const escape = (value: string) => encode(value, { mode: "specialChars" });

export function layoutText(title: string, sections: readonly Section[]): string {
  const parts = [title, ""];
  for (const section of sections) {
    parts.push(section.heading, ...section.lines.map((line) => (typeof line === "string" ? `  ${line}` : `  ${line.label}: ${line.url}`)), "");
  }
  return `${parts.join("\n").trimEnd()}\n`;
}

export function layoutHtml(title: string, sections: readonly Section[]): string {
  const body = sections
    .map((section) => {
      const lines = section.lines
        .map((line) =>
          typeof line === "string"
            ? `<p style="margin:0 0 8px">${escape(line)}</p>`
            : `<p style="margin:0 0 8px">${escape(line.label)}: <a href="${escape(line.url)}">${escape(line.url)}</a></p>`,
        )
        .join("\n");
      const lang = section.lang === undefined ? "" : ` lang="${section.lang}"`;
      return `<section${lang}><h2 style="font-size:16px;margin:20px 0 8px">${escape(section.heading)}</h2>\n${lines}</section>`;
    })
    .join("\n");
  return [
    "<!doctype html>",
    '<html lang="th"><head><meta charset="utf-8"><title>' + escape(title) + "</title></head>",
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#111">',
    `<h1 style="font-size:18px">${escape(title)}</h1>`,
    body,
    "</body></html>",
    "",
  ].join("\n");
}
