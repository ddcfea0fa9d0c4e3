import type * as http from "http";
import { sendRequest, TlsOptions } from "../clients/transport";

/** A response as received: status, lower-cased headers, body text. */
export interface HttpAnswer {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

/**
 * Sends exactly the headers given (a signed request must reach the server byte for byte as signed),
 * over http or https by the URL's scheme; `tls` says where a custom domain of local mode listens, what to
 * trust and which client certificate to present.
 */
export async function send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body?: string,
    tls: TlsOptions = {},
): Promise<HttpAnswer> {
    const answer = await sendRequest(url, { method, headers, body }, tls);
    return { status: answer.status, headers: answer.headers, body: answer.body.toString() };
}
