import { HandlerTable, nameOrAutoName } from "./records";

/** CloudWatch Logs log groups, where stages write access logs (nothing is written locally). */
export const LOGS_HANDLERS: HandlerTable = {
    "aws:cloudwatch/logGroup:LogGroup": (account, name, inputs) => {
        const groupName = nameOrAutoName(inputs.name, name);
        const arn = `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:${groupName}`;
        return { id: groupName, state: { ...inputs, name: groupName, arn } };
    },
};
