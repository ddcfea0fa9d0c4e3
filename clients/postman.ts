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
 * The keys are typed `secret`, so Postman masks them.
 */
export function postmanEnvironment(name: string, credentials: ApiCredentials): PostmanEnvironment {
    const variable = (key: string, value: string, secret = false) => ({
        key,
        value,
        type: secret ? ("secret" as const) : ("default" as const),
        enabled: true,
    });
    return {
        name,
        values: [
            variable("baseUrl", credentials.invokeUrl),
            variable("AccessKey", credentials.accessKeyId, true),
            variable("SecretKey", credentials.secretAccessKey, true),
            variable("AWS Region", credentials.region),
            variable("Service Name", "execute-api"),
            ...(credentials.sessionToken ? [variable("SessionToken", credentials.sessionToken, true)] : []),
        ],
        _postman_variable_scope: "environment",
    };
}
