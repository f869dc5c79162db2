import { CredentialReportError } from "./CredentialReportError.ts";

export interface CsvRecord {
  /** The line the record starts on, from 1. */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 CSV: fields may be quoted, with `""` for a quote inside, and quoted fields may span lines
 * (IAM user names may contain commas, so a report can quote them). Blank lines are skipped.
 *
 * @throws CredentialReportError on a quote that is never closed or text after a closing quote.
 */
export function readCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark from a spreadsheet save

  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== "") records.push({ line: start, fields });
    fields = [];
    field = "";
  };

  while (i < text.length) {
    const char = text[i] as string;
    if (char === '"' && field === "") {
      const opened = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CredentialReportError("a quoted field is never closed", opened);
        const inner = text[i] as string;
        if (inner === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (inner === "\n") line++;
        field += inner;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new CredentialReportError("text follows a closing quote; a quote inside a quoted field must be doubled", line);
      }
      continue;
    }
    if (char === ",") {
      fields.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      endRecord();
      if (char === "\r" && text[i + 1] === "\n") i++;
      line++;
      start = line;
    } else {
      field += char;
    }
    i++;
  }
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}
