// Every request that reaches this function was signed with SigV4 and allowed by IAM: API Gateway tells
// it who made it, in event.requestContext.identity.
const ITEMS = [
    { id: 1, name: "lamp" },
    { id: 2, name: "desk" },
];

export const handler = async (event) => {
    const { userArn, accessKey } = event.requestContext.identity;
    const caller = { caller: userArn, key: `…${accessKey.slice(-4)}` };
    const json = (statusCode, body) => ({
        statusCode,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...body, ...caller }),
    });
    if (event.httpMethod === "POST") return json(201, { added: JSON.parse(event.body ?? "{}") });
    return json(200, { items: ITEMS });
};
