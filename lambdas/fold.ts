// Temporary placeholder so the CDK app synthesizes; the stream fold replaces it.
export const handler = async (): Promise<{ batchItemFailures: [] }> => ({ batchItemFailures: [] });
