import { execFile } from "child_process";
import { CredentialsProvider, TemporaryCredentials } from "./signedFetch";

/**
 * Credentials from a command, as the AWS CLI's `credential_process` runs one: it prints
 * `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}` on stdout, e.g.
 * `aws configure export-credentials --profile ci --format process`. Asked again before `Expiration`.
 */
export function fromCredentialProcess(command: string): CredentialsProvider {
    return () =>
        new Promise<TemporaryCredentials>((resolve, reject) => {
            execFile("/bin/sh", ["-c", command], { encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
                if (error) {
                    // Its stderr says why; its stdout may hold a secret, so it is never repeated.
                    reject(
                        new Error(
                            `the credential process failed (${error.code ?? error.message}): ${stderr.trim().split("\n")[0] ?? ""}`,
                        ),
                    );
                    return;
                }
                try {
                    resolve(parseProcessCredentials(stdout));
                } catch (e) {
                    reject(e instanceof Error ? e : new Error(String(e)));
                }
            });
        });
}

/** The credentials of a `credential_process` output, checked field by field (never echoing a value). */
export function parseProcessCredentials(stdout: string): TemporaryCredentials {
    let parsed: unknown;
    try {
        parsed = JSON.parse(stdout);
    } catch {
        throw new Error(
            'the credential process printed no JSON; it must print {"Version": 1, "AccessKeyId": …, "SecretAccessKey": …}.',
        );
    }
    const output = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
    if (output.Version !== 1) throw new Error("the credential process output must have Version 1.");
    const missing = ["AccessKeyId", "SecretAccessKey"].filter((k) => typeof output[k] !== "string" || output[k] === "");
    if (missing.length > 0) throw new Error(`the credential process output lacks ${missing.join(", ")}.`);
    if (output.Expiration !== undefined && typeof output.Expiration !== "string")
        throw new Error("the credential process output's Expiration is not an ISO 8601 date.");
    const expiration = typeof output.Expiration === "string" ? new Date(output.Expiration) : undefined;
    if (expiration !== undefined && Number.isNaN(expiration.getTime()))
        throw new Error("the credential process output's Expiration is not an ISO 8601 date.");
    return {
        accessKeyId: output.AccessKeyId as string,
        secretAccessKey: output.SecretAccessKey as string,
        sessionToken: typeof output.SessionToken === "string" ? output.SessionToken : undefined,
        expiration,
    };
}
