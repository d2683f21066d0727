// Temporary placeholder so the CDK app synthesizes; the scheduled monitor replaces it.
export const handler = async (): Promise<void> => {};
