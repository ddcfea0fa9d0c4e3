import { executionLogGroupName } from "../../components/restApi/accessLog";
import type { LocalAwsAccount } from "./account";
import { HandlerTable, LocalAwsError, nameOrAutoName } from "./records";

/** CloudWatch Logs log groups, where stages write access and execution logs (nothing is written locally). */
export const LOGS_HANDLERS: HandlerTable = {
    "aws:cloudwatch/logGroup:LogGroup": (account, name, inputs) => {
        const groupName = nameOrAutoName(inputs.name, name);
        // CreateLogGroup refuses a name the account's region already has.
        if (account.logGroups.has(groupName))
            throw new LocalAwsError("ResourceAlreadyExistsException", "The specified log group already exists");
        const retentionInDays = typeof inputs.retentionInDays === "number" ? inputs.retentionInDays : undefined;
        const arn = createLogGroup(account, groupName, retentionInDays);
        return { id: groupName, state: { ...inputs, name: groupName, arn } };
    },
};

/** Adds a log group to the account, as CreateLogGroup does; its ARN. */
function createLogGroup(account: LocalAwsAccount, name: string, retentionInDays: number | undefined): string {
    const arn = `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:${name}`;
    account.logGroups.set(name, { name, arn, retentionInDays });
    return arn;
}

/**
 * What API Gateway does once a stage's execution logging is on: it creates the stage's log group when
 * there is none, without retention (developer guide, "Set up CloudWatch logging for REST APIs"; done
 * here at once, the earliest AWS can, so a group made after it fails as it would on AWS).
 */
export function startExecutionLogging(account: LocalAwsAccount, restApiId: string, stageName: string): void {
    const name = executionLogGroupName(restApiId, stageName);
    if (!account.logGroups.has(name)) createLogGroup(account, name, undefined);
}
