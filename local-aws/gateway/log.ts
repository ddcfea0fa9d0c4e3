import type { RequestLogEntry } from "./server";

/**
 * One line of the `npm start` terminal per request: time, method, path, status, error type, caller and
 * integration latency, then why, for a refusal that needs explaining (AWS would show it only in logs).
 * The path is logged without its query, which can carry a presigned URL's credential.
 */
export function formatLogEntry(entry: RequestLogEntry, at = new Date()): string {
    const latency = entry.integrationMs === undefined ? "-" : `${entry.integrationMs.toFixed(1)}ms`;
    const line = `${at.toISOString()} ${entry.method} ${entry.path} ${entry.status} ${entry.errorType ?? "-"} ${entry.caller} ${latency}`;
    return printable(entry.reason === undefined ? line : `${line} (${entry.reason})`);
}

/** Control and line-separator characters escaped: a request's own text (a decoded path) cannot forge log lines. */
function printable(text: string): string {
    let out = "";
    for (const c of text) {
        const code = c.charCodeAt(0);
        const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
        out += control ? `\\u${code.toString(16).padStart(4, "0")}` : c;
    }
    return out;
}
