import { z } from "zod";

/** The office reads Thai; the on-call engineer may read English. Thai comes first wherever both are shown. */
export const LANGUAGES = ["th", "en"] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

/** Every text the staff see, in both languages: a missing translation does not compile. */
export type Bilingual = Readonly<Record<Language, string>>;
