import { ApiCredentials } from "./signedFetch";

/** A Postman environment file (Environments → Import). */
export interface PostmanEnvironment {
    readonly name: string;
    readonly values: readonly { key: string; value: string; type: "default" | "secret"; enabled: boolean }[];
    readonly _postman_variable_scope: "environment";
}

/**
 * The environment Postman's "AWS Signature" authorization reads: `{{AccessKey}}`, `{{SecretKey}}`,
 * `{{AWS Region}}`, `{{Service Name}}` (always `execute-api`), and `{{baseUrl}}` for request URLs.
 * The keys are typed `secret`, so Postman masks them. `baseUrl` is the invoke URL unless another is given
 * (a custom domain's URL, signed for its host and base path just the same).
 */
export function postmanEnvironment(
    name: string,
    credentials: ApiCredentials,
    baseUrl: string = credentials.invokeUrl,
): PostmanEnvironment {
    const variable = (key: string, value: string, secret = false) => ({
        key,
        value,
        type: secret ? ("secret" as const) : ("default" as const),
        enabled: true,
    });
    return {
        name,
        values: [
            variable("baseUrl", baseUrl),
            variable("AccessKey", credentials.accessKeyId, true),
            variable("SecretKey", credentials.secretAccessKey, true),
            variable("AWS Region", credentials.region),
            variable("Service Name", "execute-api"),
            ...(credentials.sessionToken ? [variable("SessionToken", credentials.sessionToken, true)] : []),
        ],
        _postman_variable_scope: "environment",
    };
}
