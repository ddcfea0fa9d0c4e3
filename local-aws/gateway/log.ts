import type { RequestLogEntry } from "./server";

/**
 * One line of the `npm start` terminal per request: time, method, path, status, error type, caller and
 * integration latency, then why, for a refusal that needs explaining (AWS would show it only in logs).
 * The path is logged without its query, which can carry a presigned URL's credential.
 */
export function formatLogEntry(entry: RequestLogEntry, at = new Date()): string {
    const latency = entry.integrationMs === undefined ? "-" : `${entry.integrationMs.toFixed(1)}ms`;
    const line = `${at.toISOString()} ${entry.method} ${entry.path} ${entry.status} ${entry.errorType ?? "-"} ${entry.caller} ${latency}`;
    return entry.reason === undefined ? line : `${line} (${entry.reason})`;
}
