import * as fs from "fs";
import { ENDPOINT_CHOICES, EndpointChoice } from "../endpoint";
import { SignedFetchOptions } from "../signedFetch";
import { OptionSpec, UsageError } from "./command";

/** The options by which the tools choose the endpoint they call, and present a client certificate (curl's names). */
export const ENDPOINT_OPTIONS = {
    endpoint: {
        type: "string",
        placeholder: "<domain|default>",
        description:
            "call the custom domain (the default when the outputs hold domainUrl) or the default execute-api endpoint",
    },
    cert: {
        type: "string",
        placeholder: "<file>",
        description: "client certificate (PEM) for a custom domain with mutual TLS, with --key",
    },
    key: { type: "string", placeholder: "<file>", description: "the client certificate's private key (PEM)" },
    cacert: {
        type: "string",
        placeholder: "<file>",
        description: "CA certificates (PEM) to trust instead of Node's own (local mode's CA is read from its outputs)",
    },
} as const satisfies Record<string, OptionSpec>;

/** What `--endpoint`, `--cert`, `--key` and `--cacert` ask for, their files read. */
export function endpointSettings(values: {
    endpoint?: string;
    cert?: string;
    key?: string;
    cacert?: string;
}): SignedFetchOptions {
    if (values.endpoint !== undefined && !ENDPOINT_CHOICES.includes(values.endpoint as EndpointChoice))
        throw new UsageError(`--endpoint ${JSON.stringify(values.endpoint)} must be ${ENDPOINT_CHOICES.join(" or ")}`);
    if ((values.cert === undefined) !== (values.key === undefined))
        throw new UsageError("--cert and --key go together: the client certificate and its private key");
    const read = (file: string, flag: string) => {
        if (!fs.existsSync(file)) throw new UsageError(`${flag} ${file}: no such file`);
        return fs.readFileSync(file);
    };
    return {
        endpoint: values.endpoint as EndpointChoice | undefined,
        clientCertificate:
            values.cert === undefined
                ? undefined
                : { cert: read(values.cert, "--cert"), key: read(values.key!, "--key") },
        ca: values.cacert === undefined ? undefined : read(values.cacert, "--cacert"),
    };
}
