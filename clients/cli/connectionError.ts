import { commandLine } from "./command";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * A request that never got an answer, explained for the person at the terminal: a refused connection
 * to loopback is almost always local mode not running, so it says how to start it. Other errors keep
 * Node's code and message (fetch hides them in `cause`).
 */
export function explainConnectionFailure(e: unknown, invokeUrl: string): Error {
    const error = e as { code?: unknown; message?: string; cause?: { code?: unknown; message?: string } };
    const code = error?.code ?? error?.cause?.code;
    let url: URL | undefined;
    try {
        url = new URL(invokeUrl);
    } catch {
        url = undefined;
    }
    if (code === "ECONNREFUSED" && url) {
        const hint = LOOPBACK_HOSTS.has(url.hostname)
            ? ` Is \`${commandLine("start")}\` running on that port? Start it in another terminal (it serves until stopped), or pass the outputs of a running one with --outputs.`
            : " Is the invoke URL right, and the API deployed?";
        return new Error(`The connection to ${url.host} was refused (ECONNREFUSED).${hint}`);
    }
    if (typeof code === "string" && error?.cause?.message !== undefined) {
        return new Error(`${error.message}: ${error.cause.message} (${code})`);
    }
    return e instanceof Error ? e : new Error(String(e));
}
