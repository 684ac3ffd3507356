import type { Client } from '@temporalio/client';

/** What the bench ran against, for the report: the dev server (sqlite, 1 shard) or another (postgres12, N shards). */
export interface ServerInfo {
  serverVersion?: string;
  persistenceStore?: string;
  visibilityStore?: string;
  historyShards?: number;
}

/** The server's own account of itself (GetClusterInfo); empty where the server does not say. */
export async function serverInfo(client: Client): Promise<ServerInfo> {
  try {
    const info = await client.workflowService.getClusterInfo({});
    return {
      serverVersion: info.serverVersion ?? undefined,
      persistenceStore: info.persistenceStore ?? undefined,
      visibilityStore: info.visibilityStore ?? undefined,
      historyShards: info.historyShardCount ?? undefined,
    };
  } catch {
    return {};
  }
}
