import { isJsonObject } from "../../components/openapi/operations";
import { newCognitoId } from "./ids";
import { HandlerTable, IdentityPoolRecord, LocalAwsError } from "./records";

/** What Cognito identity pools become in the local account: the pool and the roles attached to it. */
export const COGNITO_HANDLERS: HandlerTable = {
    "aws:cognito/identityPool:IdentityPool": (account, _name, inputs) => {
        const id = newCognitoId(account.region);
        const providers = new Map<string, string[]>();
        for (const provider of Array.isArray(inputs.cognitoIdentityProviders) ? inputs.cognitoIdentityProviders : []) {
            if (!isJsonObject(provider) || typeof provider.providerName !== "string") continue;
            const clients = providers.get(provider.providerName) ?? [];
            if (typeof provider.clientId === "string") clients.push(provider.clientId);
            providers.set(provider.providerName, clients);
        }
        const record: IdentityPoolRecord = {
            id,
            allowUnauthenticatedIdentities: inputs.allowUnauthenticatedIdentities === true,
            allowClassicFlow: inputs.allowClassicFlow === true,
            providers,
            roles: new Map(),
        };
        account.identityPools.set(id, record);
        return {
            id,
            state: {
                ...inputs,
                arn: `arn:${account.partition}:cognito-identity:${account.region}:${account.accountId}:identitypool/${id}`,
            },
        };
    },
    "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment": (account, _name, inputs) => {
        const pool = account.identityPools.get(String(inputs.identityPoolId));
        if (!pool)
            throw new LocalAwsError(
                "ResourceNotFoundException",
                `IdentityPool '${String(inputs.identityPoolId)}' not found.`,
            );
        const roles = new Map<string, string>();
        for (const [kind, arn] of Object.entries(isJsonObject(inputs.roles) ? inputs.roles : {})) {
            if (kind !== "authenticated" && kind !== "unauthenticated")
                throw new LocalAwsError("InvalidParameterException", `Unknown role type ${kind}.`);
            if (typeof arn !== "string" || !account.roleOfArn(arn))
                throw new LocalAwsError(
                    "InvalidParameterException",
                    `Role ${String(arn)} does not exist in this account.`,
                );
            roles.set(kind, arn);
        }
        pool.roles = roles;
        return { id: pool.id, state: { ...inputs } };
    },
};
