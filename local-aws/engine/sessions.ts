import { assumedRoleArn } from "../../components/arns";
import type { LocalAwsAccount } from "./account";
import { newSessionAccessKeyId, newSessionToken, newSecretAccessKey } from "./ids";
import { CallerIdentity, CognitoCaller, principalConditionKeys, RoleRecord, SessionRecord } from "./records";

/** Temporary credentials for a role, valid from `issuedAt` for `durationSeconds`, kept in its account. */
export function issueSession(
    account: LocalAwsAccount,
    role: RoleRecord,
    sessionName: string,
    issuedAt: Date,
    durationSeconds: number,
    federatedProvider?: string,
    cognito?: CognitoCaller,
): SessionRecord {
    const session: SessionRecord = {
        accessKeyId: newSessionAccessKeyId(),
        secretAccessKey: newSecretAccessKey(),
        sessionToken: newSessionToken(),
        roleName: role.name,
        sessionName,
        issuedAt,
        expiration: new Date(issuedAt.getTime() + durationSeconds * 1000),
        federatedProvider,
        cognito,
    };
    account.sessions.set(session.accessKeyId, session);
    return session;
}

/**
 * A role session as IAM sees the caller: `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`,
 * the role's policies (read at each request, as IAM does), `aws:userid` `<role unique id>:<session>`,
 * `aws:PrincipalArn` the role's ARN, the role's tags as `aws:PrincipalTag/*`.
 */
export function sessionIdentity(account: LocalAwsAccount, session: SessionRecord): CallerIdentity {
    const role = account.roles.get(session.roleName);
    if (!role)
        throw new Error(`Session ${session.accessKeyId} belongs to role ${session.roleName}, which does not exist.`);
    const userId = `${role.uniqueId}:${session.sessionName}`;
    return {
        arn: assumedRoleArn(account.partition, account.accountId, role.name, session.sessionName),
        accountId: account.accountId,
        userId,
        cognito: session.cognito,
        policies: account.policiesForRole(role.name),
        conditionKeys: principalConditionKeys({
            arn: role.arn,
            accountId: account.accountId,
            type: "AssumedRole",
            userId,
            tags: role.tags,
            more: [
                ["aws:TokenIssueTime", session.issuedAt.toISOString().replace(/\.\d{3}Z$/, "Z")],
                ...(session.federatedProvider === undefined
                    ? []
                    : [["aws:FederatedProvider", session.federatedProvider] as const]),
            ],
        }),
    };
}
