/** One customer as the portal exports it: every field is text. Synthetic values only. */
export interface ExportRow {
    store?: string;
    name: string;
    phone: string;
    address?: string;
    email?: string;
    birth?: string;
    joined: string;
    credit?: string;
    points?: string;
    source?: string;
    sms?: string;
    emailPdpa?: string;
}
export declare function exportLine(row: ExportRow): string;
/** The portal's format: BOM, every field quoted, LF between records, no final newline. */
export declare function exportCsv(rows: readonly ExportRow[]): Buffer;
/** `count` plain, valid customers whose numbers start at `08<offset>`. */
export declare function plainCustomers(count: number, offset?: number): ExportRow[];
export declare const sha256Of: (bytes: Buffer) => string;
